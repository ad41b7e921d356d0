/// The identifier of one node of a parsed expression, unique within that expression.
///
/// Ids are assigned in parse order, starting at 1. Later phases (the checker's type map, the planner's
/// error positions) key their per-node facts by this id.
public typealias ExprID = Int64

/// One node of a CEL abstract syntax tree.
///
/// The tree is an immutable value: nodes are structs and enums, aggregates are shared copy-on-write
/// arrays. Every node carries the id that names it and the UTF-8 byte offset in the source text where
/// it starts (its operator, for calls written as operators).
public struct Expr: Sendable, Hashable {
    /// The node's id, unique within the expression.
    public var id: ExprID
    /// The UTF-8 byte offset in the source where the node starts.
    public var offset: Int32
    /// What the node is.
    public var kind: ExprKind

    /// Creates a node.
    public init(id: ExprID, offset: Int32, kind: ExprKind) {
        self.id = id
        self.offset = offset
        self.kind = kind
    }
}

/// The kinds of CEL expression nodes, as in the `Expr` message of cel-spec's `syntax.proto`.
///
/// Only the cases that hold a node directly are `indirect` (boxed); leaves and the aggregates (whose
/// arrays already live on the heap) are stored inline, which saves an allocation per literal and name.
public enum ExprKind: Sendable, Hashable {
    /// A placeholder the parser puts where it recovered from a syntax error. An AST without errors
    /// never contains one.
    case error
    /// A literal constant.
    case literal(Literal)
    /// A simple name, such as `request`; a leading dot (`.a`) is kept in the name.
    case identifier(String)
    /// Field selection `operand.field`; with `testOnly` set it is the presence test of `has(operand.field)`.
    indirect case select(operand: Expr, field: String, testOnly: Bool)
    /// A function call: global (`size(x)`), receiver-style (`x.size()`, with a `target`), or an operator
    /// (`_+_`, `_[_]`, `!_`, ... as spelled in ``Operators``).
    indirect case call(function: String, target: Expr?, arguments: [Expr])
    /// A list literal; `optionalIndices` lists the elements written `?e`.
    case list(elements: [Expr], optionalIndices: [Int])
    /// A map literal.
    case map(entries: [MapEntry])
    /// A message construction `Type{field: value, ...}`.
    indirect case message(typeName: String, fields: [FieldInitializer])
    /// A comprehension: what the macros `all`, `exists`, `map`, `filter`, `cel.bind`, ... expand into.
    indirect case comprehension(Comprehension)
}

/// One `key: value` entry of a map literal.
public struct MapEntry: Sendable, Hashable {
    /// The entry's id.
    public var id: ExprID
    /// The UTF-8 offset of the entry (its colon).
    public var offset: Int32
    /// The key expression.
    public var key: Expr
    /// The value expression.
    public var value: Expr
    /// Whether the entry was written `?key: value` (set only when the value is a present optional).
    public var isOptional: Bool

    /// Creates an entry.
    public init(id: ExprID, offset: Int32, key: Expr, value: Expr, isOptional: Bool) {
        self.id = id
        self.offset = offset
        self.key = key
        self.value = value
        self.isOptional = isOptional
    }
}

/// One `field: value` initializer of a message construction.
public struct FieldInitializer: Sendable, Hashable {
    /// The initializer's id.
    public var id: ExprID
    /// The UTF-8 offset of the initializer (its colon).
    public var offset: Int32
    /// The field name.
    public var field: String
    /// The value expression.
    public var value: Expr
    /// Whether the initializer was written `?field: value`.
    public var isOptional: Bool

    /// Creates an initializer.
    public init(id: ExprID, offset: Int32, field: String, value: Expr, isOptional: Bool) {
        self.id = id
        self.offset = offset
        self.field = field
        self.value = value
        self.isOptional = isOptional
    }
}

/// A comprehension over a list or map, as defined in langdef's "Macros" section.
///
/// Evaluation: `accuVar = accuInit`; for each element of `iterRange` (bound to `iterVar`, or for the
/// two-variable forms the index/key to `iterVar` and the value to `iterVar2`), stop when `loopCondition`
/// is false, else `accuVar = loopStep`; finally the value is `result`.
public struct Comprehension: Sendable, Hashable {
    /// The iteration variable (for two-variable forms, the index or key).
    public var iterVar: String
    /// The second iteration variable (the value) of the two-variable forms, or `nil`.
    public var iterVar2: String?
    /// The range iterated over.
    public var iterRange: Expr
    /// The accumulator variable.
    public var accuVar: String
    /// The accumulator's initial value.
    public var accuInit: Expr
    /// The condition checked before each step.
    public var loopCondition: Expr
    /// The new accumulator value after each step.
    public var loopStep: Expr
    /// The value of the whole comprehension.
    public var result: Expr

    /// Creates a comprehension.
    public init(
        iterVar: String,
        iterVar2: String? = nil,
        iterRange: Expr,
        accuVar: String,
        accuInit: Expr,
        loopCondition: Expr,
        loopStep: Expr,
        result: Expr
    ) {
        self.iterVar = iterVar
        self.iterVar2 = iterVar2
        self.iterRange = iterRange
        self.accuVar = accuVar
        self.accuInit = accuInit
        self.loopCondition = loopCondition
        self.loopStep = loopStep
        self.result = result
    }
}

/// A literal constant.
public enum Literal: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    /// A string; its Unicode scalars are exactly those written, with no normalization.
    case string(String)
    case bytes([UInt8])
}
