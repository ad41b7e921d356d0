/// `size`, `in`, and the map builder of the `transformMap` macros.
extension Library {
    mutating func defineCollections() {
        define(
            "size",
            .both,
            .unary { value in
                switch value {
                case .string(let s): return .int(Int64(s.count))
                case .bytes(let b): return .int(Int64(b.count))
                case .list(let l): return .int(Int64(l.count))
                case .map(let m): return .int(Int64(m.count))
                default: return .noSuchOverload("size", value)
                }
            }
        )
        define(
            Operators.in,
            .binary { element, container in
                switch container {
                case .list(let elements):
                    return .bool(elements.contains { Value.celEquals(element, $0) })
                case .map(let map):
                    return .bool(map[element] != nil)
                default:
                    return .noSuchOverload(Operators.in, element, container)
                }
            }
        )
        define(
            Operators.mapInsert,
            .ternary { map, key, value in
                guard case .map(let m) = map else { return .noSuchOverload(Operators.mapInsert, map, key, value) }
                switch m.inserting(key: key, value: value) {
                case .success(let inserted): return .map(inserted)
                case .failure(let error): return .error(error)
                }
            }
        )
        define(
            Operators.mapInsert,
            .binary { map, entry in
                guard case .map(let m) = map, case .map(let single) = entry else {
                    return .noSuchOverload(Operators.mapInsert, map, entry)
                }
                var result = m
                for (key, value) in zip(single.keys, single.values) {
                    switch result.inserting(key: key, value: value) {
                    case .success(let inserted): result = inserted
                    case .failure(let error): return .error(error)
                    }
                }
                return .map(result)
            }
        )
    }
}
