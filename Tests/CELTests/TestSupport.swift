import CEL
import Testing

/// The tree of `text` as an outline without ids or positions, or the rendered diagnostics.
func outline(_ text: String, macros: Bool = true) -> String {
    let result = Parser(options: ParserOptions(enableMacros: macros)).parse(text)
    guard let parsed = result.parsed else { return "ERROR\n" + result.diagnostics.rendered(in: result.source) }
    return ASTPrinter(showsPositions: false).print(parsed)
}

/// The expression as the unparser writes it back, or the rendered diagnostics.
func normalized(_ text: String, macros: Bool = true) -> String {
    let result = Parser(options: ParserOptions(enableMacros: macros)).parse(text)
    guard let parsed = result.parsed else { return "ERROR " + result.diagnostics.rendered(in: result.source) }
    do {
        return try Unparser().unparse(parsed)
    } catch {
        return "UNPARSE \(error)"
    }
}

/// The literal an expression parses to, or `nil` with the diagnostics recorded as an issue.
func literal(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Literal? {
    let result = Parser().parse(text)
    guard let parsed = result.parsed else {
        Issue.record(
            "\(text) did not parse: \(result.diagnostics.rendered(in: result.source))",
            sourceLocation: sourceLocation
        )
        return nil
    }
    guard case .literal(let value) = parsed.expr.kind else {
        Issue.record("\(text) is not a literal", sourceLocation: sourceLocation)
        return nil
    }
    return value
}

/// Diagnostics of `marked`, an expression with position markers `1️⃣`, `2️⃣`, ... placed where the
/// diagnostics are expected to start. Returns the diagnostics and the marker offsets in order.
func diagnose(
    _ marked: String,
    options: ParserOptions = ParserOptions()
) -> (diagnostics: [CELDiagnostic], markers: [Int], source: Source) {
    let markers: [Character] = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]
    var text = ""
    var offsets: [(Int, Int)] = []
    for character in marked {
        if let number = markers.firstIndex(of: character) {
            offsets.append((number, text.utf8.count))
        } else {
            text.append(character)
        }
    }
    let result = Parser(options: options).parse(text)
    return (result.diagnostics, offsets.sorted { $0.0 < $1.0 }.map(\.1), result.source)
}

/// Expects the diagnostics of `marked` to start exactly at its markers, with the given codes.
func expectDiagnostics(
    _ marked: String,
    _ codes: [CELDiagnostic.Code],
    options: ParserOptions = ParserOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let (diagnostics, markers, source) = diagnose(marked, options: options)
    let starts = diagnostics.map(\.range.lowerBound)
    #expect(
        starts == markers,
        "diagnostic positions of \(marked):\n\(diagnostics.rendered(in: source))",
        sourceLocation: sourceLocation
    )
    #expect(diagnostics.map(\.code) == codes, "\(diagnostics.rendered(in: source))", sourceLocation: sourceLocation)
}
