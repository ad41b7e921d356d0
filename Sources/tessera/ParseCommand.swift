import ArgumentParser
import CEL

/// `tessera parse EXPR`: prints the syntax tree of a CEL expression, or its diagnostics.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse a CEL expression and print its syntax tree, or every syntax error with its position."
    )

    @Argument(
        parsing: .allUnrecognized,
        help: "The CEL expression (several arguments are joined with spaces, so a leading '-' works)."
    )
    var expression: [String]

    @Flag(help: "Leave macros (has, all, exists, map, filter, ...) as plain calls.")
    var noMacros = false

    @Flag(help: "Print the expression back as CEL text instead of the tree.")
    var unparse = false

    func run() throws {
        let result = Parser(options: ParserOptions(enableMacros: !noMacros)).parse(expression.joined(separator: " "))
        guard let parsed = result.parsed else {
            print(result.diagnostics.rendered(in: result.source))
            throw ExitCode(1)
        }
        if unparse {
            print(try Unparser().unparse(parsed))
        } else {
            print(ASTPrinter().print(parsed), terminator: "")
        }
    }
}
