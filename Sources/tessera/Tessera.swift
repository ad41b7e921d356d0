import ArgumentParser

/// The `tessera` command line.
@main
struct Tessera: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera",
        abstract: "Tessera: identity federation and authorization on our own CEL engine.",
        subcommands: [ParseCommand.self, CheckCommand.self, EvalCommand.self]
    )
}
