/// The function names operators are parsed into, spelled exactly as cel-spec and cel-go spell them.
public enum Operators {
    /// `c ? a : b`
    public static let conditional = "_?_:_"
    /// `a && b`
    public static let logicalAnd = "_&&_"
    /// `a || b`
    public static let logicalOr = "_||_"
    /// `!a`
    public static let logicalNot = "!_"
    /// `-a`
    public static let negate = "-_"
    /// `a == b`
    public static let equals = "_==_"
    /// `a != b`
    public static let notEquals = "_!=_"
    /// `a < b`
    public static let less = "_<_"
    /// `a <= b`
    public static let lessEquals = "_<=_"
    /// `a > b`
    public static let greater = "_>_"
    /// `a >= b`
    public static let greaterEquals = "_>=_"
    /// `a in b`
    public static let `in` = "@in"
    /// `a + b`
    public static let add = "_+_"
    /// `a - b`
    public static let subtract = "_-_"
    /// `a * b`
    public static let multiply = "_*_"
    /// `a / b`
    public static let divide = "_/_"
    /// `a % b`
    public static let modulo = "_%_"
    /// `a[b]`
    public static let index = "_[_]"
    /// `a[?b]`: optional indexing.
    public static let optionalIndex = "_[?_]"
    /// `a.?b`: optional field selection; the second argument is the field name as a string literal.
    public static let optionalSelect = "_?._"
    /// Internal helper of the `all` and `exists` macros.
    public static let notStrictlyFalse = "@not_strictly_false"
    /// Internal helper of the `transformMap` and `transformMapEntry` macros.
    public static let mapInsert = "cel.@mapInsert"
    /// What `cel.block` expands into.
    public static let block = "cel.@block"
}
