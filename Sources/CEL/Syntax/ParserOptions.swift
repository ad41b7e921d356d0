/// Settings and limits of the parser. Every limit produces a `limit_exceeded` diagnostic, never a crash.
public struct ParserOptions: Sendable, Hashable {
    /// Whether macros (`has`, `all`, `exists`, `map`, `cel.bind`, ...) are expanded. When off they stay
    /// plain calls.
    public var enableMacros: Bool
    /// The deepest nesting of the syntax tree accepted: parentheses, calls, literals, chained
    /// operators and selections all count. The language definition asks for at least 12 levels of
    /// recursion and 32 repetitions.
    public var maxNestingDepth: Int
    /// The longest expression accepted, in UTF-8 bytes.
    public var maxExpressionLength: Int
    /// The most syntax tree nodes an expression may produce (after macro expansion).
    public var maxNodes: Int
    /// How many diagnostics one run reports at most before it stops.
    public var maxDiagnostics: Int

    /// Creates parser options; the defaults suit policies written by people.
    public init(
        enableMacros: Bool = true,
        maxNestingDepth: Int = 128,
        maxExpressionLength: Int = 100_000,
        maxNodes: Int = 50_000,
        maxDiagnostics: Int = 100
    ) {
        self.enableMacros = enableMacros
        self.maxNestingDepth = maxNestingDepth
        self.maxExpressionLength = maxExpressionLength
        self.maxNodes = maxNodes
        self.maxDiagnostics = maxDiagnostics
    }
}
