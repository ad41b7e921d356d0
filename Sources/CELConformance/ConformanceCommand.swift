/// The command line of `cel-conformance`, parsed by hand so the tool needs nothing beyond this module.
///
/// ```
/// cel-conformance [--mode eval|parse|check] [--skips FILE] [--filter TEXT] [--json] PATH...
/// ```
public enum ConformanceCommand: Sendable, Hashable {
    /// Print the usage text and exit successfully.
    case help
    /// Run the tests in `paths` in `mode`, skipping what the list at `skipsPath` names, only those whose id
    /// contains `filter` when it is set, and print the report as JSON lines when `json` is true.
    case run(mode: ConformanceMode, skipsPath: String?, paths: [String], filter: String? = nil, json: Bool = false)

    /// The usage text printed by `--help` and after a usage error.
    public static let usage = """
        usage: cel-conformance [--mode MODE] [--skips FILE] [--filter TEXT] [--json] PATH...

        Runs the CEL conformance corpus (cel-spec simple tests in protobuf text format).

        arguments:
          PATH           a .textproto file, or a directory: every *.textproto file in it
        options:
          --mode MODE    what to do with each test (default: eval):
                           eval   parse, evaluate with the test's bindings, compare with the expected value,
                                  error or unknown; tests that need protobuf message types are skipped
                                  ('needs protobuf: ...'); typed_result compares the value only (the deduced
                                  type needs the type checker); error messages are not compared
                           parse  only parse: syntax-error tests must be rejected, all others accepted
                           check  type-check with the test's type_env: deduced_type must match, check-time
                                  errors ('found no matching overload', 'undeclared reference') must be
                                  reported, all others must check; disable_check tests are skipped
          --skips FILE   a skip list: lines 'file/section/test<TAB or 2 spaces>reason', or file/section/* or
                         file/*; '#' starts a comment line
          --filter TEXT  run only the tests whose id file/section/test contains TEXT
          --json         print one JSON object per test, then the totals as a JSON object
          --help         print this text

        Prints one line per file, every FAIL and SKIP, and last 'conformance: N passed, N failed, N skipped'
        (also last with --json). Exit status: 0 when nothing failed, 1 when a test failed, 2 for a usage
        error or a missing path.
        """

    /// Parses the arguments after the program name.
    /// - Parameter arguments: The arguments, such as `["--mode", "parse", "testdata"]`.
    /// - Returns: The command; `.help` as soon as `--help` or `-h` appears.
    /// - Throws: `ConformanceError` for an unknown option or mode, a missing option value, or no path.
    public static func parse(_ arguments: [String]) throws(ConformanceError) -> ConformanceCommand {
        var mode = ConformanceMode.eval
        var skipsPath: String?
        var filter: String?
        var json = false
        var paths: [String] = []
        var index = 0
        var optionsEnded = false

        func value(of option: String, inline: String?) throws(ConformanceError) -> String {
            if let inline { return inline }
            index += 1
            guard index < arguments.count else { throw ConformanceError("option \(option) needs a value") }
            return arguments[index]
        }

        while index < arguments.count {
            let argument = arguments[index]
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                paths.append(argument)
                index += 1
                continue
            }
            let (option, inline) = splitOption(argument)
            switch option {
            case "--help", "-h":
                return .help
            case "--":
                optionsEnded = true
            case "--mode":
                let name = try value(of: option, inline: inline)
                guard let parsed = ConformanceMode(rawValue: name) else {
                    let known = ConformanceMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ConformanceError("unknown mode '\(name)' (known modes: \(known))")
                }
                mode = parsed
            case "--skips":
                skipsPath = try value(of: option, inline: inline)
            case "--filter":
                filter = try value(of: option, inline: inline)
            case "--json":
                guard inline == nil else { throw ConformanceError("option --json takes no value") }
                json = true
            default:
                throw ConformanceError("unknown option '\(argument)'")
            }
            index += 1
        }
        guard !paths.isEmpty else { throw ConformanceError("no PATH given") }
        return .run(mode: mode, skipsPath: skipsPath, paths: paths, filter: filter, json: json)
    }

    /// Splits `--name=value` into the name and the value.
    private static func splitOption(_ argument: String) -> (option: String, inline: String?) {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}
