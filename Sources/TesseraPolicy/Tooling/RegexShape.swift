/// The shape of a regular expression, as far as the identity lints need it: its top-level
/// alternatives, and for each whether it is anchored, the literal text it starts with, and whether
/// it can run on past a delimiter at either end.
///
/// This is not a regex parser: atoms are literals, escapes, `.`, classes and (opaque) groups, each
/// with an optional quantifier. It is used only on patterns that already compiled.
struct RegexShape {
    /// One piece of a pattern.
    enum Atom: Equatable {
        /// A literal character (escaped punctuation included).
        case literal(Character)
        /// `.`: any character but a line break.
        case any
        /// A class (`[^/]`, `\d`, `\w`), a group `( ... )`, or anything else that is not literal.
        case other
        /// `^` or `\A`.
        case start
        /// `$` or `\z`.
        case end
    }

    /// An atom and whether a quantifier follows it (`*`, `+`, `?`, `{n,m}`), and whether that
    /// quantifier allows zero repetitions.
    struct Piece: Equatable {
        var atom: Atom
        var quantified: Bool
        var optional: Bool
    }

    /// The top-level alternatives, each as its pieces.
    let alternatives: [[Piece]]

    /// Splits a pattern into alternatives and pieces.
    init(_ pattern: String) {
        var alternatives: [[Piece]] = [[]]
        let characters = Array(pattern)
        var index = 0
        // Leading inline flags such as (?i) do not change anchoring.
        while index + 2 < characters.count, characters[index] == "(", characters[index + 1] == "?",
            let close = characters[index...].firstIndex(of: ")"),
            characters[(index + 2)..<close].allSatisfy({ $0.isLetter || $0 == "-" })
        {
            index = close + 1
        }
        while index < characters.count {
            let character = characters[index]
            var atom: Atom
            switch character {
            case "|":
                alternatives.append([])
                index += 1
                continue
            case "^":
                atom = .start
                index += 1
            case "$":
                atom = .end
                index += 1
            case ".":
                atom = .any
                index += 1
            case "\\":
                let next = index + 1 < characters.count ? characters[index + 1] : "\\"
                switch next {
                case "A": atom = .start
                case "z": atom = .end
                default: atom = next.isLetter || next.isNumber ? .other : .literal(next)
                }
                index += 2
            case "[":
                index = Self.skipClass(characters, from: index)
                atom = .other
            case "(":
                index = Self.skipGroup(characters, from: index)
                atom = .other
            default:
                atom = .literal(character)
                index += 1
            }
            var piece = Piece(atom: atom, quantified: false, optional: false)
            if index < characters.count, "*+?{".contains(characters[index]) {
                piece.quantified = true
                piece.optional = characters[index] == "*" || characters[index] == "?" || characters[index] == "{"
                if characters[index] == "{" {
                    while index < characters.count, characters[index] != "}" { index += 1 }
                }
                index += 1
                // Lazy or possessive marks.
                if index < characters.count, characters[index] == "?" || characters[index] == "+" { index += 1 }
            }
            alternatives[alternatives.count - 1].append(piece)
        }
        self.alternatives = alternatives
    }

    private static func skipClass(_ characters: [Character], from start: Int) -> Int {
        var index = start + 1
        if index < characters.count, characters[index] == "^" { index += 1 }
        if index < characters.count, characters[index] == "]" { index += 1 }
        while index < characters.count, characters[index] != "]" {
            index += characters[index] == "\\" ? 2 : 1
        }
        return index + 1
    }

    private static func skipGroup(_ characters: [Character], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < characters.count {
            switch characters[index] {
            case "\\": index += 1
            case "[": index = skipClass(characters, from: index) - 1
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return index + 1 }
            default: break
            }
            index += 1
        }
        return index
    }

    /// What is wrong with an alternative used to match an identity, if anything.
    enum Problem: Equatable {
        /// It matches any value (`.*`, `^.*$`, empty).
        case matchesAnything
        /// It is not anchored at the start (or starts with `.*` after `^`).
        case unanchoredStart
        /// Its literal prefix, followed by `.`, does not end at a delimiter (`^repo:org.*`).
        case prefixWithoutDelimiter(String)
        /// It is not anchored at the end and does not end at a delimiter (`^repo:org/app`).
        case openEnd
    }

    /// The first problem of any alternative, with the alternative's literal prefix for messages.
    func problem(delimiters: Set<Character>) -> Problem? {
        for pieces in alternatives {
            if let problem = Self.problem(of: pieces, delimiters: delimiters) { return problem }
        }
        return nil
    }

    private static func isWildcard(_ piece: Piece) -> Bool { piece.atom == .any && piece.quantified }

    private static func problem(of pieces: [Piece], delimiters: Set<Character>) -> Problem? {
        var body = pieces
        let anchoredStart = body.first?.atom == .start
        if anchoredStart { body.removeFirst() }
        let anchoredEnd = body.last?.atom == .end
        if anchoredEnd { body.removeLast() }
        if body.isEmpty { return anchoredStart && anchoredEnd ? nil : .matchesAnything }
        if body.allSatisfy(isWildcard) { return .matchesAnything }
        if !anchoredStart { return .unanchoredStart }
        if let first = body.first, isWildcard(first) { return .unanchoredStart }
        var prefix = ""
        var index = 0
        while index < body.count, case .literal(let character) = body[index].atom, !body[index].quantified {
            prefix.append(character)
            index += 1
        }
        if index < body.count, body[index].atom == .any, let last = prefix.last, !delimiters.contains(last) {
            return .prefixWithoutDelimiter(prefix)
        }
        if !anchoredEnd {
            var tail = body
            while let last = tail.last, isWildcard(last) { tail.removeLast() }
            guard let last = tail.last else { return nil }
            if case .literal(let character) = last.atom, !last.quantified, !delimiters.contains(character) {
                return .openEnd
            }
        }
        return nil
    }
}
