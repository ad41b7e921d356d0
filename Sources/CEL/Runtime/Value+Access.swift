/// Field selection and indexing on values, shared by the planned nodes and the index functions,
/// including the optional forms (`a.?f`, `a[?k]`) and selection through an optional value.
extension Value {
    /// `operand.field`. On an optional it selects optionally (`optional.of(m).f` is `m.?f`).
    public static func select(_ operand: Value, field: CELString, key: MapKey) -> Value {
        switch operand {
        case .map(let map):
            if let value = map[key] { return value }
            return .error(.noSuchKey, "no such key: '\(field.value)'")
        case .optional(let inner):
            guard let inner else { return .optional(nil) }
            return optionalSelect(inner, field: field, key: key)
        case .error, .unknown:
            return operand
        default:
            return fieldSelectionError(operand, field)
        }
    }

    /// `has(operand.field)`.
    public static func hasField(_ operand: Value, field: CELString, key: MapKey) -> Value {
        switch operand {
        case .map(let map):
            return .bool(map[key] != nil)
        case .optional(let inner):
            guard let inner else { return .bool(false) }
            return hasField(inner, field: field, key: key)
        case .error, .unknown:
            return operand
        default:
            return fieldSelectionError(operand, field)
        }
    }

    /// `operand.?field`: `optional.of(value)` when the field is present, else `optional.none()`.
    public static func optionalSelect(_ operand: Value, field: CELString, key: MapKey) -> Value {
        switch operand {
        case .map(let map):
            return .optional(map[key])
        case .optional(let inner):
            guard let inner else { return .optional(nil) }
            return optionalSelect(inner, field: field, key: key)
        case .error, .unknown:
            return operand
        default:
            return fieldSelectionError(operand, field)
        }
    }

    /// The error for selecting a field of a value that has no fields.
    @inline(never)
    static func fieldSelectionError(_ operand: Value, _ field: CELString) -> Value {
        .error(.noSuchField, "type '\(operand.celType.name)' does not support field selection ('\(field.value)')")
    }

    /// The list position an index value names, or an error value.
    static func listPosition(_ index: Value, count: Int) -> Result<Int, EvalError> {
        let position: Int64
        switch index {
        case .int(let i): position = i
        case .uint(let u):
            guard u <= UInt64(Int64.max) else { return .failure(EvalError(.outOfRange, "index out of range: \(u)")) }
            position = Int64(u)
        case .double(let d):
            guard d.rounded(.towardZero) == d, let exact = Int64(exactly: d) else {
                return .failure(EvalError(.invalidArgument, "invalid list index: \(d)"))
            }
            position = exact
        default:
            return .failure(EvalError(.noSuchOverload, "no such overload: list index of type '\(index.celType.name)'"))
        }
        guard position >= 0, position < Int64(count) else {
            return .failure(EvalError(.outOfRange, "index out of range: \(position)"))
        }
        return .success(Int(position))
    }

    /// `operand[index]`. On an optional it indexes optionally.
    public static func index(_ operand: Value, _ index: Value) -> Value {
        if index.isErrorOrUnknown { return operand.isErrorOrUnknown ? operand : index }
        switch operand {
        case .list(let elements):
            switch listPosition(index, count: elements.count) {
            case .success(let position): return elements[position]
            case .failure(let error): return .error(error)
            }
        case .map(let map):
            guard MapKey.isValidKeyKind(index) || index.isDouble else {
                return .error(.noSuchOverload, "unsupported key type: \(index.celType.name)")
            }
            if let value = map[index] { return value }
            return .error(.noSuchKey, "no such key: \(index)")
        case .optional(let inner):
            guard let inner else { return .optional(nil) }
            return optionalIndex(inner, index)
        case .error, .unknown:
            return operand
        default:
            return .noSuchOverload(Operators.index, operand, index)
        }
    }

    /// `operand[?index]`.
    public static func optionalIndex(_ operand: Value, _ index: Value) -> Value {
        if index.isErrorOrUnknown { return operand.isErrorOrUnknown ? operand : index }
        switch operand {
        case .list(let elements):
            switch listPosition(index, count: elements.count) {
            case .success(let position): return .optional(elements[position])
            case .failure(let error): return error.code == .outOfRange ? .optional(nil) : .error(error)
            }
        case .map(let map):
            guard MapKey.isValidKeyKind(index) || index.isDouble else {
                return .error(.noSuchOverload, "unsupported key type: \(index.celType.name)")
            }
            return .optional(map[index])
        case .optional(let inner):
            guard let inner else { return .optional(nil) }
            return optionalIndex(inner, index)
        case .error, .unknown:
            return operand
        default:
            return .noSuchOverload(Operators.optionalIndex, operand, index)
        }
    }

    var isDouble: Bool {
        if case .double = self { return true }
        return false
    }
}
