import ArgumentParser
import Foundation

/// The `tessera` command line.
@main
struct Tessera: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera",
        abstract: "Tessera: identity federation and authorization on our own CEL engine.",
        subcommands: [
            ServeCommand.self, ParseCommand.self, CheckCommand.self, PolicyTestCommand.self, FmtCommand.self,
            EvalCommand.self, DecisionsCommand.self, ExchangeCommand.self, AWSCommand.self,
        ]
    )

    /// Runs the command line. Usage errors (unknown options, missing or malformed values) exit with
    /// status 2, as CI tools conventionally do, instead of ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
