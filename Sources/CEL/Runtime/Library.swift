/// How a function may be called: `f(x)`, `x.f()`, or both.
public enum CallStyle: Sendable {
    case global
    case receiver
    case both
}

/// One implementation of a function for one arity. It receives evaluated arguments (for receiver
/// calls, the receiver first) that are neither errors nor unknowns, and returns a value, an error
/// value for arguments it has no overload for, or for bad input.
public enum FunctionImplementation: Sendable {
    case unary(@Sendable (Value) -> Value)
    case binary(@Sendable (Value, Value) -> Value)
    case ternary(@Sendable (Value, Value, Value) -> Value)
    case variadic(arity: Int, @Sendable ([Value]) -> Value)

    /// The number of arguments, the receiver included.
    public var arity: Int {
        switch self {
        case .unary: 1
        case .binary: 2
        case .ternary: 3
        case .variadic(let arity, _): arity
        }
    }

    /// Calls the implementation with an argument list of its arity.
    @inlinable
    public func call(_ arguments: [Value]) -> Value {
        switch self {
        case .unary(let f): f(arguments[0])
        case .binary(let f): f(arguments[0], arguments[1])
        case .ternary(let f): f(arguments[0], arguments[1], arguments[2])
        case .variadic(_, let f): f(arguments)
        }
    }
}

extension FunctionImplementation {
    /// An implementation that calls this one, then `fallback` when this one has no overload for the
    /// arguments. Both must have the same arity.
    public func fallingBack(to fallback: FunctionImplementation) -> FunctionImplementation {
        switch (self, fallback) {
        case (.unary(let f), .unary(let g)):
            return .unary { a in
                let result = f(a)
                return result.isNoSuchOverload ? g(a) : result
            }
        case (.binary(let f), .binary(let g)):
            return .binary { a, b in
                let result = f(a, b)
                return result.isNoSuchOverload ? g(a, b) : result
            }
        default:
            return .variadic(arity: arity) { arguments in
                let result = call(arguments)
                return result.isNoSuchOverload ? fallback.call(arguments) : result
            }
        }
    }
}

extension Value {
    /// Whether the value is a no-such-overload error.
    fileprivate var isNoSuchOverload: Bool {
        if case .error(let error) = self { return error.code == .noSuchOverload }
        return false
    }
}

/// Identifies an implementation: the function name, whether it is called receiver-style, and the
/// arity (the receiver included).
public struct FunctionKey: Sendable, Hashable {
    /// The function name, dotted for namespaced functions (`math.greatest`).
    public var name: String
    /// Whether the implementation is for receiver-style calls (`x.f()`).
    public var isReceiverCall: Bool
    /// The number of arguments, the receiver included.
    public var arity: Int

    /// Creates a key.
    public init(name: String, isReceiverCall: Bool, arity: Int) {
        self.name = name
        self.isReceiverCall = isReceiverCall
        self.arity = arity
    }
}

/// Prepares a call at plan time from the arguments that are constants (`nil` for the others): returns
/// a specialized implementation (such as `matches` with its pattern compiled once), `nil` to keep the
/// general one, or a compile error (such as a bad pattern).
public typealias FunctionSpecializer = @Sendable ([Value?]) -> Result<FunctionImplementation, EvalError>?

/// A set of functions, as a value: environments are built by merging libraries.
public struct Library: Sendable {
    /// The implementations by name, style and arity.
    public private(set) var functions: [FunctionKey: FunctionImplementation] = [:]
    /// Plan-time specializations.
    public private(set) var specializers: [FunctionKey: FunctionSpecializer] = [:]
    /// Functions whose result depends only on their arguments, which the planner may fold when all
    /// arguments are constants. Functions are pure unless defined otherwise.
    public private(set) var impure: Set<String> = []
    /// The names of all defined functions, whatever their style and arity.
    public private(set) var names: Set<String> = []
    /// Implementations of single overloads, by overload id (`add_int64`), which the planner binds when
    /// the type checker proved that overload. Each still answers any argument, so a `dyn` input of
    /// the wrong kind gives an error value, never a trap.
    public private(set) var overloads: [String: FunctionImplementation] = [:]

    /// Defines the implementation of one overload, for checked programs.
    public mutating func defineOverload(_ id: String, _ implementation: FunctionImplementation) {
        overloads[id] = implementation
    }

    /// An empty library.
    public init() {}

    /// Defines a global function (`f(x)`).
    public mutating func define(_ name: String, pure: Bool = true, _ implementation: FunctionImplementation) {
        define(name, .global, pure: pure, implementation)
    }

    /// Defines an implementation callable in the given style. A receiver-style implementation takes the
    /// receiver as its first argument.
    public mutating func define(
        _ name: String,
        _ style: CallStyle,
        pure: Bool = true,
        _ implementation: FunctionImplementation
    ) {
        let arity = implementation.arity
        names.insert(name)
        if style != .receiver {
            functions[FunctionKey(name: name, isReceiverCall: false, arity: arity)] = implementation
        }
        if style != .global {
            functions[FunctionKey(name: name, isReceiverCall: true, arity: arity)] = implementation
        }
        if !pure { impure.insert(name) }
    }

    /// Registers a plan-time specializer for a function already defined.
    public mutating func specialize(
        _ name: String,
        _ style: CallStyle,
        arity: Int,
        _ specializer: @escaping @Sendable ([Value?]) -> Result<FunctionImplementation, EvalError>?
    ) {
        if style != .receiver {
            specializers[FunctionKey(name: name, isReceiverCall: false, arity: arity)] = specializer
        }
        if style != .global { specializers[FunctionKey(name: name, isReceiverCall: true, arity: arity)] = specializer }
    }

    /// This library with another's definitions added. When both define a function with the same name,
    /// style and arity (such as `reverse` of the strings and the lists extensions), the other's
    /// implementation is tried first, and this one's when the other has no overload for the arguments.
    public func merging(_ other: Library) -> Library {
        var merged = self
        merged.functions.merge(other.functions) { old, new in new.fallingBack(to: old) }
        merged.specializers.merge(other.specializers) { _, new in new }
        merged.impure.formUnion(other.impure)
        merged.names.formUnion(other.names)
        merged.overloads.merge(other.overloads) { _, new in new }
        return merged
    }
}
