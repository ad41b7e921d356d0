/// The function names operators are parsed into, spelled exactly as cel-spec and cel-go spell them.
public enum Operators {
    public static let conditional = "_?_:_"
    public static let logicalAnd = "_&&_"
    public static let logicalOr = "_||_"
    public static let logicalNot = "!_"
    public static let negate = "-_"
    public static let equals = "_==_"
    public static let notEquals = "_!=_"
    public static let less = "_<_"
    public static let lessEquals = "_<=_"
    public static let greater = "_>_"
    public static let greaterEquals = "_>=_"
    public static let `in` = "@in"
    public static let add = "_+_"
    public static let subtract = "_-_"
    public static let multiply = "_*_"
    public static let divide = "_/_"
    public static let modulo = "_%_"
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
