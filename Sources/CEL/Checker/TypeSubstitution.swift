/// Bindings of type parameters to types, built up while the checker unifies types.
///
/// A substitution never binds a parameter to a type that mentions it, directly or through other
/// bindings (the occurs check), so applying it always terminates. Build one with ``bind(_:to:)``
/// or through ``CELType/isAssignable(from:to:substitution:)`` and
/// ``CELType/join(_:_:substitution:)``.
public struct TypeSubstitution: Sendable, Hashable {
    /// The bound parameters and their types. Bound types may mention other parameters.
    public private(set) var bindings: [String: CELType] = [:]

    /// Creates an empty substitution.
    public init() {}

    /// The type bound to the parameter `name`, or `nil` if it is unbound.
    public subscript(name: String) -> CELType? { bindings[name] }

    /// Whether nothing is bound.
    public var isEmpty: Bool { bindings.isEmpty }

    /// Binds the type parameter `name` to `type`, replacing an earlier binding.
    ///
    /// - Parameters:
    ///   - name: The type parameter.
    ///   - type: Its type, which may mention other parameters.
    /// - Returns: `false`, binding nothing, when `type` mentions `name` once this substitution is
    ///   applied to it (the occurs check: `A` cannot be `list(A)`); binding `A` to `A` itself is
    ///   a no-op that succeeds.
    @discardableResult
    public mutating func bind(_ name: String, to type: CELType) -> Bool {
        let resolved = type.substituting(self)
        if resolved == .typeParameter(name) { return true }
        guard !resolved.mentions(typeParameter: name) else { return false }
        bindings[name] = resolved
        return true
    }
}

extension CELType {
    /// This type with every bound type parameter replaced by its binding, repeatedly, so the
    /// result mentions only unbound parameters.
    ///
    /// - Parameters:
    ///   - substitution: The bindings to apply.
    ///   - unbound: What unbound parameters become; `nil`, the default, keeps them. Pass `.dyn`
    ///     to finish inference, as the checker does for the types it reports (an empty list's
    ///     `list(A)` is `list(dyn)`).
    /// - Returns: The substituted type.
    public func substituting(_ substitution: TypeSubstitution, unboundParametersAs unbound: CELType? = nil) -> CELType {
        replacingTypeParameters { name in
            if let bound = substitution[name] {
                // Bindings are acyclic (``TypeSubstitution/bind(_:to:)`` checks), so this ends.
                return bound.substituting(substitution, unboundParametersAs: unbound)
            }
            return unbound ?? .typeParameter(name)
        }
    }

    /// Whether a value of type `source` may be used where `target` is expected, binding type
    /// parameters on either side as needed (langdef, "Gradual Type Checking").
    ///
    /// The rules, in order:
    /// 1. A type parameter binds to the other type. An unbound parameter binds if the occurs
    ///    check passes. A bound parameter accepts a type compatible with its binding in either
    ///    direction and is then rebound to the more general of the two (an `A` bound to `int`
    ///    and then met with `dyn` becomes `dyn`); this keeps the order of arguments irrelevant.
    /// 2. `dyn`, `*error*` and `google.protobuf.Any` are assignable to and from every type.
    /// 3. `null_type` is assignable to the types whose ``acceptsNull`` holds: wrappers,
    ///    messages, timestamps, durations and abstract types such as `optional_type(T)`.
    /// 4. A wrapper type and its primitive are assignable to each other (`wrapper(int)` and
    ///    `int`).
    /// 5. `list`, `map`, `type` and abstract types of the same name and arity are assignable
    ///    when each parameter is; a plain `type` has a `dyn` parameter.
    /// 6. Otherwise only equal types are assignable: there are no numeric conversions.
    ///
    /// - Parameters:
    ///   - source: The type of the value.
    ///   - target: The type expected.
    ///   - substitution: The bindings so far. It is updated only when the result is `true`.
    /// - Returns: Whether `source` is assignable to `target`.
    public static func isAssignable(from source: CELType, to target: CELType, substitution: inout TypeSubstitution)
        -> Bool
    {
        var trial = Unifier(substitution: substitution)
        guard trial.assign(source, target, depth: 0) else { return false }
        substitution = trial.substitution
        return true
    }

    /// Whether `source` is assignable to `target` with no type parameters bound beforehand.
    ///
    /// Same as ``isAssignable(from:to:substitution:)`` with an empty substitution that is then
    /// dropped.
    public static func isAssignable(from source: CELType, to target: CELType) -> Bool {
        var substitution = TypeSubstitution()
        return isAssignable(from: source, to: target, substitution: &substitution)
    }

    /// The most general of two types, for the element type of a list literal or the key and value
    /// types of a map literal.
    ///
    /// When the types are compatible (one is assignable to the other, see
    /// ``isAssignable(from:to:substitution:)``), the bindings that made them so are committed and
    /// the result is the more general: `dyn` over anything, `*error*` over anything,
    /// `wrapper(int)` over `int` and `null_type`, a message, timestamp, duration or abstract type
    /// over `null_type`, and parameter by parameter for `list`, `map`, `type` and abstract types
    /// (`optional_type(dyn)` over `optional_type(int)`). Otherwise, as for
    /// `[1, "a"]`, the result is `dyn` and the substitution is left unchanged.
    ///
    /// - Parameters:
    ///   - first: The type so far.
    ///   - second: The next type.
    ///   - substitution: The bindings so far, updated when the types are compatible.
    /// - Returns: The joined type, with `substitution` applied.
    public static func join(_ first: CELType, _ second: CELType, substitution: inout TypeSubstitution) -> CELType {
        var trial = Unifier(substitution: substitution)
        guard trial.compatible(first, second, depth: 0) else { return .dyn }
        substitution = trial.substitution
        return Unifier.moreGeneral(first.substituting(substitution), second.substituting(substitution))
    }
}

/// The working state of one assignability or join question.
private struct Unifier {
    /// Deeper types than this are refused rather than recursed into.
    static let maximumDepth = 200

    var substitution: TypeSubstitution

    /// Whether `first` is assignable to `second` or `second` to `first`; only the bindings of the
    /// successful direction are kept.
    mutating func compatible(_ first: CELType, _ second: CELType, depth: Int) -> Bool {
        var forward = self
        if forward.assign(first, second, depth: depth) {
            self = forward
            return true
        }
        var backward = self
        if backward.assign(second, first, depth: depth) {
            self = backward
            return true
        }
        return false
    }

    mutating func assign(_ source: CELType, _ target: CELType, depth: Int) -> Bool {
        guard depth < Self.maximumDepth else { return false }
        if case .typeParameter(let name) = target { return bind(name, source, depth: depth + 1) }
        if case .typeParameter(let name) = source { return bind(name, target, depth: depth + 1) }
        if source.isDynamic || target.isDynamic { return true }
        switch (source, target) {
        case (.null, _):
            return target.acceptsNull
        case (.wrapper(let sourcePrimitive), .wrapper(let targetPrimitive)):
            return sourcePrimitive == targetPrimitive
        case (.wrapper(let primitive), _):
            return primitive.type == target
        case (_, .wrapper(let primitive)):
            return primitive.type == source
        case (.list(let sourceElement), .list(let targetElement)):
            return assign(sourceElement, targetElement, depth: depth + 1)
        case (.map(let sourceKey, let sourceValue), .map(let targetKey, let targetValue)):
            return assign(sourceKey, targetKey, depth: depth + 1) && assign(sourceValue, targetValue, depth: depth + 1)
        case (.type(let sourceParameter), .type(let targetParameter)):
            // Every type value is of kind `type`: `type(7) == type(7u)` is a valid comparison. The
            // parameters still bind type parameters when they can.
            var trial = self
            if trial.assign(sourceParameter ?? .dyn, targetParameter ?? .dyn, depth: depth + 1) { self = trial }
            return true
        case (.abstract(let sourceName, let sourceParameters), .abstract(let targetName, let targetParameters)):
            guard sourceName == targetName, sourceParameters.count == targetParameters.count else { return false }
            for (sourceParameter, targetParameter) in zip(sourceParameters, targetParameters)
            where !assign(sourceParameter, targetParameter, depth: depth + 1) {
                return false
            }
            return true
        default:
            return source == target
        }
    }

    /// Binds the type parameter `name` to `other`, or checks `other` against its binding.
    private mutating func bind(_ name: String, _ other: CELType, depth: Int) -> Bool {
        if other == .typeParameter(name) { return true }
        guard let bound = substitution[name] else {
            return substitution.bind(name, to: other)
        }
        guard compatible(bound, other, depth: depth) else { return false }
        let widened = Self.moreGeneral(bound.substituting(substitution), other.substituting(substitution))
        return substitution.bind(name, to: widened)
    }

    /// The more general of two compatible types, parameter by parameter. Both have the
    /// substitution applied.
    static func moreGeneral(_ first: CELType, _ second: CELType) -> CELType {
        if first == second { return first }
        for absorbing in [CELType.error, .dyn, .any] where first == absorbing || second == absorbing {
            return absorbing
        }
        switch (first, second) {
        case (.typeParameter, _):
            return first
        case (_, .typeParameter):
            return second
        case (.null, _) where second.acceptsNull:
            return second
        case (_, .null) where first.acceptsNull:
            return first
        case (.wrapper(let primitive), _) where primitive.type == second:
            return first
        case (_, .wrapper(let primitive)) where primitive.type == first:
            return second
        case (.list(let firstElement), .list(let secondElement)):
            return .list(moreGeneral(firstElement, secondElement))
        case (.map(let firstKey, let firstValue), .map(let secondKey, let secondValue)):
            return .map(moreGeneral(firstKey, secondKey), moreGeneral(firstValue, secondValue))
        case (.type(let firstParameter), .type(let secondParameter)):
            guard let firstParameter, let secondParameter else { return .type(nil) }
            return .type(moreGeneral(firstParameter, secondParameter))
        case (.abstract(let name, let firstParameters), .abstract(let secondName, let secondParameters))
        where name == secondName && firstParameters.count == secondParameters.count:
            return .abstract(name: name, parameters: zip(firstParameters, secondParameters).map(moreGeneral))
        default:
            return .dyn
        }
    }
}
