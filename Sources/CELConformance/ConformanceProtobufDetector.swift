import CEL

/// Finds what makes a test need protocol buffer message types, which this implementation does not have:
/// message construction (`TestAllTypes{...}`, `google.protobuf.Int32Value{value: 1}`), names of the
/// conformance protos' types and enums (`TestAllTypes`, `GlobalEnum.GAZ`, `cel.expr.conformance...`),
/// `google.protobuf.*` names other than `Timestamp` and `Duration`, and variables declared with a
/// message type that has no CEL value of its own.
///
/// Each finding names its cause; the runner reports it as a skip, "needs protobuf: <finding>".
enum ConformanceProtobufDetector {
    /// Type and enum names of the conformance protos (`cel/expr/conformance/proto2|proto3`).
    static let conformanceTypeNames: Set<String> = [
        "TestAllTypes", "NestedTestAllTypes", "NestedMessage", "NestedEnum", "GlobalEnum", "TestRequired",
        "Proto2ExtensionScopedMessage",
    ]

    /// Message types a variable may be declared with and still hold a plain CEL value.
    static let valueMessageTypes: Set<String> = [
        "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.Value", "google.protobuf.Struct",
        "google.protobuf.ListValue", "google.protobuf.Int32Value", "google.protobuf.Int64Value",
        "google.protobuf.UInt32Value", "google.protobuf.UInt64Value", "google.protobuf.FloatValue",
        "google.protobuf.DoubleValue", "google.protobuf.BoolValue", "google.protobuf.StringValue",
        "google.protobuf.BytesValue",
    ]

    /// Why a declared message type needs protobuf, if it does.
    static func reason(forVariable name: String, messageType: String) -> String? {
        guard !valueMessageTypes.contains(messageType) else { return nil }
        return "variable '\(name)' has the message type \(messageType)"
    }

    /// Why an expression needs protobuf, if it does: the first such construct in source order.
    static func reason(for expr: Expr) -> String? {
        switch expr.kind {
        case .error, .literal:
            return nil
        case .identifier(let name):
            return reason(forName: name)
        case .select(let operand, let field, _):
            if let name = qualifiedName(expr), let reason = reason(forName: name) { return reason }
            if conformanceTypeNames.contains(field) { return "the name \(field)" }
            return reason(for: operand)
        case .call(let function, let target, let arguments):
            // `GlobalEnum(-33)`, `cel.expr.conformance.proto2.GlobalEnum(1)`: enum conversions.
            let called = target.flatMap(qualifiedName).map { "\($0).\(function)" } ?? function
            if let reason = reason(forName: called) { return reason }
            if let target, let reason = reason(for: target) { return reason }
            return firstReason(arguments)
        case .list(let elements, _):
            return firstReason(elements)
        case .map(let entries):
            return firstReason(entries.flatMap { [$0.key, $0.value] })
        case .message(let typeName, _):
            return "message construction \(typeName){...}"
        case .comprehension(let comprehension):
            return firstReason([
                comprehension.iterRange, comprehension.accuInit, comprehension.loopCondition,
                comprehension.loopStep, comprehension.result,
            ])
        }
    }

    private static func firstReason(_ exprs: [Expr]) -> String? {
        for expr in exprs {
            if let reason = reason(for: expr) { return reason }
        }
        return nil
    }

    /// Why a (possibly dotted) name refers to a protobuf type, if it does.
    private static func reason(forName rawName: String) -> String? {
        let name = rawName.hasPrefix(".") ? String(rawName.dropFirst()) : rawName
        let parts = name.split(separator: ".").map(String.init)
        if name.hasPrefix("cel.expr.conformance") || parts.contains(where: conformanceTypeNames.contains) {
            return "the name \(name)"
        }
        if name.hasPrefix("google.protobuf."), parts.count >= 3 {
            let typeName = parts.prefix(3).joined(separator: ".")
            if typeName != "google.protobuf.Timestamp", typeName != "google.protobuf.Duration" {
                return "the type \(typeName)"
            }
        }
        return nil
    }

    /// The dotted name an identifier or a chain of field selections spells, if it is one.
    private static func qualifiedName(_ expr: Expr) -> String? {
        switch expr.kind {
        case .identifier(let name): name
        case .select(let operand, let field, false): qualifiedName(operand).map { "\($0).\(field)" }
        default: nil
        }
    }
}
