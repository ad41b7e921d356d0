import CELConformance
import Testing

/// The error parsing `arguments` throws, recording an issue when it parses.
private func usageError(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    do {
        let command = try ConformanceCommand.parse(arguments)
        Issue.record("expected a usage error, got \(command)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error.message
    }
}

@Suite("ConformanceCommand")
struct ConformanceCommandTests {
    @Test("mode, skips and paths")
    func run() throws {
        #expect(
            try ConformanceCommand.parse(["--mode", "parse", "--skips", "s.txt", "a", "b"])
                == .run(mode: .parse, skipsPath: "s.txt", paths: ["a", "b"])
        )
        #expect(
            try ConformanceCommand.parse(["a", "--mode=parse", "--skips=s.txt"])
                == .run(mode: .parse, skipsPath: "s.txt", paths: ["a"])
        )
        #expect(try ConformanceCommand.parse(["dir"]) == .run(mode: .eval, skipsPath: nil, paths: ["dir"]))
        #expect(
            try ConformanceCommand.parse(["--", "--odd-name"])
                == .run(mode: .eval, skipsPath: nil, paths: ["--odd-name"])
        )
    }

    @Test("--json and --filter")
    func jsonAndFilter() throws {
        #expect(
            try ConformanceCommand.parse(["--json", "--filter", "basic/self_eval", "dir"])
                == .run(mode: .eval, skipsPath: nil, paths: ["dir"], filter: "basic/self_eval", json: true)
        )
        #expect(
            try ConformanceCommand.parse(["--filter=lists", "--mode=parse", "dir"])
                == .run(mode: .parse, skipsPath: nil, paths: ["dir"], filter: "lists", json: false)
        )
        #expect(ConformanceCommand.usage.contains("--filter TEXT"))
        #expect(ConformanceCommand.usage.contains("(default: eval)"))
    }

    @Test("help wins")
    func help() throws {
        #expect(try ConformanceCommand.parse(["--help"]) == .help)
        #expect(try ConformanceCommand.parse(["a", "-h"]) == .help)
        #expect(ConformanceCommand.usage.contains("--mode MODE"))
    }

    @Test("usage errors")
    func errors() {
        #expect(usageError(["--mode", "typecheck", "a"])?.contains("unknown mode 'typecheck'") == true)
        #expect(usageError(["--filter"])?.contains("--filter needs a value") == true)
        #expect(usageError(["--json=yes", "a"])?.contains("--json takes no value") == true)
        #expect(usageError(["--mode"])?.contains("--mode needs a value") == true)
        #expect(usageError(["--skips"])?.contains("--skips needs a value") == true)
        #expect(usageError(["--verbose", "a"])?.contains("unknown option '--verbose'") == true)
        #expect(usageError([])?.contains("no PATH") == true)
        #expect(usageError(["--mode", "parse"])?.contains("no PATH") == true)
    }
}
