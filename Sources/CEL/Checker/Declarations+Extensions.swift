/// The function declarations of the extension libraries Tessera implements (`Library.strings`,
/// `.math`, `.encoders`, `.lists`, `.sets`, `.optionals`, `.network`).
extension Declarations {
    /// The extension functions: strings, math, base64, lists, sets, optionals and network.
    ///
    /// Overload ids follow cel-go's `ext` package (`string_char_at_int`, `math_ceil_double`,
    /// `list_sets_contains_list`, `optional_of`...) and Kubernetes' IP and CIDR library
    /// (`string_to_ip`, `cidr_contains_ip_ip`...); where those have no counterpart, ids are
    /// `<function>_<argument types>`.
    ///
    /// `math.greatest` and `math.least` take 1 to 32 arguments. One argument is a number or a
    /// list of numbers; two arguments may mix kinds (the result is `dyn` when they differ); three
    /// or more are declared `dyn` (the runtime accepts any mix of numbers there).
    public static let extensions: Declarations = {
        var declarations = Declarations()
        declarations.declareStringExtension()
        declarations.declareMathExtension()
        declarations.declareEncoders()
        declarations.declareListExtension()
        declarations.declareSetExtension()
        declarations.declareOptionals()
        declarations.declareNetwork()
        return declarations
    }()
}

extension CELType {
    /// `net.IP`, the abstract type of IP addresses.
    static let ipAddress = CELType.abstract(name: "net.IP", parameters: [])
    /// `net.CIDR`, the abstract type of IP networks.
    static let ipNetwork = CELType.abstract(name: "net.CIDR", parameters: [])
}

extension Declarations {
    private mutating func declareStringExtension() {
        let string = CELType.string
        declare("charAt", [.receiver("string_char_at_int", [string, .int], string)])
        declare(
            "indexOf",
            [
                .receiver("string_index_of_string", [string, string], .int),
                .receiver("string_index_of_string_int", [string, string, .int], .int),
            ]
        )
        declare(
            "lastIndexOf",
            [
                .receiver("string_last_index_of_string", [string, string], .int),
                .receiver("string_last_index_of_string_int", [string, string, .int], .int),
            ]
        )
        declare("lowerAscii", [.receiver("string_lower_ascii", [string], string)])
        declare("upperAscii", [.receiver("string_upper_ascii", [string], string)])
        declare(
            "replace",
            [
                .receiver("string_replace_string_string", [string, string, string], string),
                .receiver("string_replace_string_string_int", [string, string, string, .int], string),
            ]
        )
        declare(
            "split",
            [
                .receiver("string_split_string", [string, string], .list(string)),
                .receiver("string_split_string_int", [string, string, .int], .list(string)),
            ]
        )
        declare(
            "substring",
            [
                .receiver("string_substring_int", [string, .int], string),
                .receiver("string_substring_int_int", [string, .int, .int], string),
            ]
        )
        declare("trim", [.receiver("string_trim", [string], string)])
        declare(
            "join",
            [
                .receiver("list_join", [.list(string)], string),
                .receiver("list_join_string", [.list(string), string], string),
            ]
        )
        declare("reverse", [.receiver("string_reverse", [string], string)])
        declare("format", [.receiver("string_format", [string, .list(.dyn)], string)])
        declare("strings.quote", [.global("strings_quote", [string], string)])
    }

    private mutating func declareMathExtension() {
        let numbers: [(String, CELType)] = [("int", .int), ("uint", .uint), ("double", .double)]
        for (function, stem) in [("math.greatest", "math_greatest"), ("math.least", "math_least")] {
            var overloads: [OverloadDeclaration] = []
            for (name, type) in numbers {
                overloads.append(.global("\(stem)_\(name)", [type], type))
                overloads.append(.global("\(stem)_list_\(name)", [.list(type)], type))
            }
            for (first, firstType) in numbers {
                for (second, secondType) in numbers {
                    let result = firstType == secondType ? firstType : .dyn
                    overloads.append(.global("\(stem)_\(first)_\(second)", [firstType, secondType], result))
                }
            }
            for arity in 3...Library.mathVariadicLimit {
                overloads.append(.global("\(stem)_dyn_\(arity)", Array(repeating: .dyn, count: arity), .dyn))
            }
            declare(function, overloads)
        }
        for function in ["ceil", "floor", "round", "trunc"] {
            declare("math.\(function)", [.global("math_\(function)_double", [.double], .double)])
        }
        for function in ["isInf", "isNaN", "isFinite"] {
            declare("math.\(function)", [.global("math_\(function)_double", [.double], .bool)])
        }
        for function in ["abs", "sign"] {
            declare("math.\(function)", numbers.map { .global("math_\(function)_\($0.0)", [$0.1], $0.1) })
        }
        declare("math.sqrt", numbers.map { .global("math_sqrt_\($0.0)", [$0.1], .double) })
        let integers = numbers.prefix(2)
        for function in ["bitAnd", "bitOr", "bitXor"] {
            declare(
                "math.\(function)",
                integers.map { .global("math_\(function)_\($0.0)_\($0.0)", [$0.1, $0.1], $0.1) }
            )
        }
        declare("math.bitNot", integers.map { .global("math_bitNot_\($0.0)_\($0.0)", [$0.1], $0.1) })
        for function in ["bitShiftLeft", "bitShiftRight"] {
            declare(
                "math.\(function)",
                integers.map { .global("math_\(function)_\($0.0)_int", [$0.1, .int], $0.1) }
            )
        }
    }

    private mutating func declareEncoders() {
        declare("base64.encode", [.global("base64_encode_bytes", [.bytes], .string)])
        declare("base64.decode", [.global("base64_decode_string", [.string], .bytes)])
    }

    private mutating func declareListExtension() {
        let (a, b) = (CELType.parameterA, CELType.parameterB)
        declare("slice", [.receiver("list_slice", [.list(a), .int, .int], .list(a))])
        declare(
            "flatten",
            [
                .receiver("list_flatten", [.list(.list(a))], .list(a)),
                .receiver("list_flatten_int", [.list(.dyn), .int], .list(.dyn)),
            ]
        )
        declare("sort", [.receiver("list_sort", [.list(a)], .list(a))])
        declare(
            Lists.sortByAssociatedKeys,
            [.global("list_@sortByAssociatedKeys", [.list(a), .list(b)], .list(a))]
        )
        declare("distinct", [.receiver("list_distinct", [.list(a)], .list(a))])
        declare("reverse", [.receiver("list_reverse", [.list(a)], .list(a))])
        declare("lists.range", [.global("lists_range", [.int], .list(.int))])
        declare("first", [.receiver("list_first", [.list(a)], .optional(a))])
        declare("last", [.receiver("list_last", [.list(a)], .optional(a))])
    }

    private mutating func declareSetExtension() {
        let list = CELType.list(.parameterA)
        for function in ["contains", "equivalent", "intersects"] {
            declare("sets.\(function)", [.global("list_sets_\(function)_list", [list, list], .bool)])
        }
    }

    private mutating func declareOptionals() {
        let (a, b) = (CELType.parameterA, CELType.parameterB)
        declare("optional.of", [.global("optional_of", [a], .optional(a))])
        declare("optional.ofNonZeroValue", [.global("optional_ofNonZeroValue", [a], .optional(a))])
        declare("optional.none", [.global("optional_none", [], .optional(a))])
        declare("hasValue", [.receiver("optional_hasValue", [.optional(a)], .bool)])
        declare("value", [.receiver("optional_value", [.optional(a)], a)])
        declare("or", [.receiver("optional_or_optional", [.optional(a), .optional(a)], .optional(a))])
        declare("orValue", [.receiver("optional_orValue_value", [.optional(a), a], a)])
        declare("optional.unwrap", [.global("optional_unwrap", [.list(.optional(a))], .list(a))])
        declare("unwrapOpt", [.receiver("optional_unwrapOpt", [.list(.optional(a))], .list(a))])
        declare(
            Operators.optionalSelect,
            [
                .global("map_select_optional_field", [.map(.string, a), .string], .optional(a)),
                .global("select_optional_field", [.dyn, .string], .optional(.dyn)),
            ]
        )
        declare(
            Operators.optionalIndex,
            [
                .global("list_optindex_optional_int", [.list(a), .int], .optional(a)),
                .global("optional_list_optindex_optional_int", [.optional(.list(a)), .int], .optional(a)),
                .global("map_optindex_optional_value", [.map(a, b), a], .optional(b)),
                .global("optional_map_optindex_optional_value", [.optional(.map(a, b)), a], .optional(b)),
            ]
        )
        declare(
            Operators.index,
            [
                .global("optional_list_index_int", [.optional(.list(a)), .int], .optional(a)),
                .global("optional_map_index_value", [.optional(.map(a, b)), a], .optional(b)),
            ]
        )
    }

    private mutating func declareNetwork() {
        let (ip, cidr) = (CELType.ipAddress, CELType.ipNetwork)
        declare("ip", [.global("string_to_ip", [.string], ip), .receiver("cidr_ip", [cidr], ip)])
        declare("isIP", [.global("is_ip", [.string], .bool)])
        declare("ip.isCanonical", [.global("ip_is_canonical", [.string], .bool)])
        declare("family", [.receiver("ip_family", [ip], .int)])
        let tests = [
            ("isUnspecified", "ip_is_unspecified"), ("isLoopback", "ip_is_loopback"),
            ("isLinkLocalMulticast", "ip_is_link_local_multicast"), ("isLinkLocalUnicast", "ip_is_link_local_unicast"),
            ("isGlobalUnicast", "ip_is_global_unicast"),
        ]
        for (function, id) in tests { declare(function, [.receiver(id, [ip], .bool)]) }
        declare("cidr", [.global("string_to_cidr", [.string], cidr)])
        declare("isCIDR", [.global("is_cidr", [.string], .bool)])
        declare(
            "containsIP",
            [
                .receiver("cidr_contains_ip_ip", [cidr, ip], .bool),
                .receiver("cidr_contains_ip_string", [cidr, .string], .bool),
            ]
        )
        declare(
            "containsCIDR",
            [
                .receiver("cidr_contains_cidr", [cidr, cidr], .bool),
                .receiver("cidr_contains_cidr_string", [cidr, .string], .bool),
            ]
        )
        declare("masked", [.receiver("cidr_masked", [cidr], cidr)])
        declare("prefixLength", [.receiver("cidr_prefix_length", [cidr], .int)])
        declare("string", [.global("ip_to_string", [ip], .string), .global("cidr_to_string", [cidr], .string)])
    }
}
