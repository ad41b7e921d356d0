import CELConformance
import Testing

@Suite("ConformanceSkipList")
struct ConformanceSkipListTests {
    private let id = ConformanceTestID(file: "string_ext", section: "format", test: "fixed point formatting clause")

    @Test("entries, comments and blank lines")
    func parsing() throws {
        let list = try ConformanceSkipList(
            parsing: """
                # comment

                string_ext/format/fixed point formatting clause  needs the strings extension
                dynamic/dyntype NaN/infinity support/*\tnot yet
                  basic/*    whole file   \r
                """
        )
        #expect(
            list.entries.map(\.pattern) == [
                "string_ext/format/fixed point formatting clause", "dynamic/dyntype NaN/infinity support/*", "basic/*",
            ]
        )
        #expect(list.entries.map(\.reason) == ["needs the strings extension", "not yet", "whole file"])
        #expect(list.entries.map(\.line) == [3, 4, 5])
        #expect(list.entries.map(\.file) == ["string_ext", "dynamic", "basic"])
    }

    @Test("exact, section and file patterns")
    func matching() {
        #expect(ConformanceSkipList.Entry(pattern: id.description, reason: "r").matches(id))
        #expect(ConformanceSkipList.Entry(pattern: "string_ext/format/*", reason: "r").matches(id))
        #expect(ConformanceSkipList.Entry(pattern: "string_ext/*", reason: "r").matches(id))
        #expect(!ConformanceSkipList.Entry(pattern: "string_ext/form/*", reason: "r").matches(id))
        #expect(!ConformanceSkipList.Entry(pattern: "string/*", reason: "r").matches(id))
        #expect(!ConformanceSkipList.Entry(pattern: "string_ext/format/fixed", reason: "r").matches(id))
        let slashed = ConformanceTestID(file: "dynamic", section: "dyntype NaN/infinity support", test: "t")
        #expect(
            ConformanceSkipList.Entry(pattern: "dynamic/dyntype NaN/infinity support/*", reason: "r").matches(slashed)
        )
        #expect(!ConformanceSkipList.Entry(pattern: "dynamic/dyntype NaN/*", reason: "r").matches(slashed))
    }

    @Test("the first matching entry gives the reason")
    func lookup() throws {
        let list = try ConformanceSkipList(parsing: "string_ext/*  first\nstring_ext/format/*  second")
        #expect(list.entry(for: id, in: .eval)?.reason == "first")
        #expect(list.entry(for: ConformanceTestID(file: "basic", section: "s", test: "t"), in: .eval) == nil)
    }

    @Test("[mode] lines scope the entries after them")
    func modes() throws {
        let list = try ConformanceSkipList(
            parsing: """
                basic/*  everywhere
                [eval]
                string_ext/*  eval only
                [parse]
                string_ext/*  parse only
                [all]
                macros/*  everywhere again
                """
        )
        #expect(list.entries.map(\.mode) == [nil, .eval, .parse, nil])
        #expect(list.entry(for: id, in: .eval)?.reason == "eval only")
        #expect(list.entry(for: id, in: .parse)?.reason == "parse only")
        let basic = ConformanceTestID(file: "basic", section: "s", test: "t")
        #expect(list.entry(for: basic, in: .parse)?.reason == "everywhere")
        #expect(list.entry(for: basic, in: .eval)?.reason == "everywhere")
        #expect(list.entries[3].applies(in: .eval) && list.entries[3].applies(in: .parse))
        #expect(!list.entries[1].applies(in: .parse))
    }

    @Test(
        "malformed lists name the line",
        arguments: [
            ("a/b/c", "1: 'a/b/c' has no reason"),
            ("# c\na/b/c reason with one space", "2: 'a/b/c reason with one space' has no reason"),
            ("a/b  reason", "1: 'a/b' is not"),
            ("*/b/c  reason", "is not file/section/test"),
            ("a//c  reason", "is not"),
            ("a/b/c  one\na/b/c  two", "2: 'a/b/c' is already listed on line 1"),
            ("[eval]\na/b/c  one\n[eval]\na/b/c  two", "4: 'a/b/c' is already listed on line 2"),
            ("[lint]\na/b/c  one", "1: unknown mode 'lint'"),
        ]
    )
    func malformed(text: String, fragment: String) {
        do {
            _ = try ConformanceSkipList(parsing: text, source: "skips.txt")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("skips.txt:"))
            #expect(error.message.contains(fragment), "\(error)")
        }
    }
}
