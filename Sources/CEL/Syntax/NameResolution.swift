/// Name resolution shared by the checker and the planner (langdef "Name Resolution").
enum NameResolution {
    /// The names a (possibly qualified) name may refer to in a container, most specific first: in
    /// container `a.b`, `x` may be `a.b.x`, `a.x` or `x`. A leading dot means the root scope only.
    static func candidates(_ name: String, container: String) -> [String] {
        if name.hasPrefix(".") { return [String(name.dropFirst())] }
        var result: [String] = []
        var prefix = container
        while !prefix.isEmpty {
            result.append(prefix + "." + name)
            if let dot = prefix.lastIndex(of: ".") { prefix = String(prefix[..<dot]) } else { prefix = "" }
        }
        result.append(name)
        return result
    }

    /// The dotted name an identifier or chain of plain selections spells (`a.b.c`), if it is one.
    static func qualifiedName(_ expr: Expr) -> String? {
        switch expr.kind {
        case .identifier(let name): return name
        case .select(let operand, let field, false): return qualifiedName(operand).map { $0 + "." + field }
        default: return nil
        }
    }
}
