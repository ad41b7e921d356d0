/// One overload of a function, as the checker sees it: its id, call style, parameter and result
/// types, and the type parameters those mention.
public struct OverloadDeclaration: Sendable, Hashable {
    /// The overload id, spelled as cel-spec and cel-go spell it (`add_int64`, `size_string`, ...).
    public var id: String
    /// Whether the overload is called receiver-style (`x.f()`); the receiver is the first parameter.
    public var isReceiverStyle: Bool
    /// The parameter types, the receiver first for receiver-style overloads.
    public var parameters: [CELType]
    /// The result type.
    public var result: CELType
    /// The names of the type parameters (`A`, `B`) used in `parameters` and `result`.
    public var typeParameters: [String]

    /// Creates an overload; the type parameters are taken from the types.
    public init(id: String, receiverStyle: Bool = false, parameters: [CELType], result: CELType) {
        self.id = id
        self.isReceiverStyle = receiverStyle
        self.parameters = parameters
        self.result = result
        var names: Set<String> = result.typeParameterNames
        for parameter in parameters { names.formUnion(parameter.typeParameterNames) }
        self.typeParameters = names.sorted()
    }
}

/// A function and its overloads.
public struct FunctionDeclaration: Sendable, Hashable {
    /// The function name (`_+_`, `size`, `math.greatest`, ...).
    public var name: String
    /// The overloads.
    public var overloads: [OverloadDeclaration]

    /// Creates a declaration.
    public init(name: String, overloads: [OverloadDeclaration]) {
        self.name = name
        self.overloads = overloads
    }
}

/// The names and types a checker knows: variables and functions.
public struct Declarations: Sendable {
    /// Variable types by fully qualified name.
    public var variables: [String: CELType]
    /// Functions by name.
    public var functions: [String: FunctionDeclaration]

    /// Creates declarations.
    public init(variables: [String: CELType] = [:], functions: [String: FunctionDeclaration] = [:]) {
        self.variables = variables
        self.functions = functions
    }

    /// Adds overloads to a function (creating it when new).
    public mutating func declare(_ name: String, _ overloads: [OverloadDeclaration]) {
        functions[name, default: FunctionDeclaration(name: name, overloads: [])].overloads += overloads
    }

    /// Declares a variable.
    public mutating func declare(variable name: String, type: CELType) {
        variables[name] = type
    }

    /// These declarations with another's added; the other's variables win, function overloads are
    /// combined.
    public func merging(_ other: Declarations) -> Declarations {
        var merged = self
        merged.variables.merge(other.variables) { _, new in new }
        for (name, function) in other.functions { merged.declare(name, function.overloads) }
        return merged
    }
}
