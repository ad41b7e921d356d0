import CEL
import Testing

/// Whether `text` evaluates to `true`.
private func holds(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    let result = evaluate(text)
    guard case .bool(true) = result else {
        Issue.record("\(text) evaluated to \(result)", sourceLocation: sourceLocation)
        return false
    }
    return true
}

/// The string `text` evaluates to, or a description of what it evaluated to instead.
private func text(_ expression: String) -> String {
    switch evaluate(expression) {
    case .string(let string): string.value
    case let other: "not a string: \(other)"
    }
}

/// The message of the error `text` evaluates to, or `nil` when it is not an error.
private func errorMessage(_ text: String) -> String? {
    guard case .error(let error) = evaluate(text) else { return nil }
    return error.message
}

@Suite("Network library (net.IP, net.CIDR)")
struct NetworkTests {
    @Test(
        arguments: [
            ("192.168.0.1", "192.168.0.1"),
            ("0.0.0.0", "0.0.0.0"),
            ("255.255.255.255", "255.255.255.255"),
            ("2001:db8::68", "2001:db8::68"),
            ("2001:DB8::68", "2001:db8::68"),
            ("2001:0db8:0000:0000:0000:0000:0000:0068", "2001:db8::68"),
            ("::", "::"),
            ("::1", "::1"),
            ("1::", "1::"),
            ("1:0:0:1:0:0:0:1", "1:0:0:1::1"),
            ("1:0:0:1:0:0:1:1", "1::1:0:0:1:1"),
            ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"),
            ("::1.2.3.4", "::102:304"),
            ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
            ("::ffff:c0a8:1", "::ffff:192.168.0.1"),
        ]
    )
    func canonicalText(_ input: String, _ canonical: String) {
        #expect(text("string(ip('\(input)'))") == canonical)
        #expect(holds("ip.isCanonical('\(input)') == \(input == canonical)"))
        #expect(holds("isIP('\(input)')"))
    }

    @Test(
        arguments: [
            "", "1", "1.2.3", "1.2.3.4.5", "192.168.0.1.0", "256.0.0.1", "01.2.3.4", "1.2.3.04", "1.2.3.4 ",
            " 1.2.3.4", "1.2.3.-4", "1..2.3", "1.2.3.4/32", "2001:db8:::68", ":::", ":1::", "1::2::3", "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::", "g::", "1:2:3:4:5:6:7:",
            "::1.2.3", "1.2.3.4::", "fe80::1%", "%en0", "[::1]", "localhost",
        ]
    )
    func malformedAddresses(_ input: String) {
        #expect(holds("!isIP('\(input)')"))
        #expect(errorMessage("ip('\(input)')")?.contains("parse error") == true)
        #expect(errorMessage("ip.isCanonical('\(input)')")?.contains("parse error") == true)
    }

    @Test func zonesAndMappedAddressesAreRefused() {
        #expect(errorMessage("ip('fe80::1%en0')")?.contains("zone") == true)
        #expect(errorMessage("ip('::ffff:192.168.0.1')")?.contains("IPv4-mapped") == true)
        #expect(holds("!isIP('fe80::1%en0')"))
        #expect(holds("!isIP('::ffff:192.168.0.1')"))
        #expect(errorMessage("cidr('fe80::1%en0/24')")?.contains("zone") == true)
        #expect(errorMessage("cidr('::ffff:192.168.0.1/24')")?.contains("IPv4-mapped") == true)
    }

    @Test func typesAndConversions() {
        #expect(holds("type(ip('192.168.0.1')) == net.IP"))
        #expect(holds("type(cidr('192.168.0.0/24')) == net.CIDR"))
        #expect(holds("type(ip('::1')) != net.CIDR"))
        #expect(text("string(cidr('192.168.0.0/24'))") == "192.168.0.0/24")
        #expect(text("string(cidr('2001:DB8::/32'))") == "2001:db8::/32")
        #expect(isError(evaluate("isIP(cidr('192.168.0.0/24'))")))
        #expect(isError(evaluate("ip(dyn(1))")))
        #expect(isError(evaluate("cidr(dyn(b'1.2.3.4/8'))")))
        #expect(isError(evaluate("ip('1.2.3.4') + 1")))
    }

    @Test func valueStaysSmall() {
        #expect(MemoryLayout<Value>.size <= 24)
    }

    @Test func family() {
        #expect(holds("ip('192.168.0.1').family() == 4"))
        #expect(holds("ip('2001:db8::68').family() == 6"))
        #expect(holds("ip('::ffff:c0a8:1').family() == 6"))
        #expect(isError(evaluate("cidr('1.2.3.0/24').family()")))
    }

    @Test(
        arguments: [
            // address, unspecified, loopback, link-local multicast, link-local unicast, global unicast
            ("0.0.0.0", true, false, false, false, false),
            ("127.0.0.1", false, true, false, false, false),
            ("127.255.0.9", false, true, false, false, false),
            ("1.2.3.4", false, false, false, false, true),
            ("192.168.0.1", false, false, false, false, true),
            ("10.0.0.1", false, false, false, false, true),
            ("255.255.255.255", false, false, false, false, false),
            ("224.0.0.1", false, false, true, false, false),
            ("224.0.1.1", false, false, false, false, false),
            ("169.254.169.254", false, false, false, true, false),
            ("::", true, false, false, false, false),
            ("::1", false, true, false, false, false),
            ("2001:db8::abcd", false, false, false, false, true),
            ("fd00::1", false, false, false, false, true),
            ("ff00::1", false, false, false, false, false),
            ("ff02::1", false, false, true, false, false),
            ("fe80::1", false, false, false, true, false),
            ("febf::1", false, false, false, true, false),
            ("fd80::1", false, false, false, false, true),
            ("::ffff:7f00:1", false, true, false, false, false),
            ("::ffff:a9fe:1", false, false, false, true, false),
        ]
    )
    func predicates(
        _ address: String,
        _ unspecified: Bool,
        _ loopback: Bool,
        _ linkLocalMulticast: Bool,
        _ linkLocalUnicast: Bool,
        _ globalUnicast: Bool
    ) {
        #expect(holds("ip('\(address)').isUnspecified() == \(unspecified)"))
        #expect(holds("ip('\(address)').isLoopback() == \(loopback)"))
        #expect(holds("ip('\(address)').isLinkLocalMulticast() == \(linkLocalMulticast)"))
        #expect(holds("ip('\(address)').isLinkLocalUnicast() == \(linkLocalUnicast)"))
        #expect(holds("ip('\(address)').isGlobalUnicast() == \(globalUnicast)"))
    }

    @Test func addressEquality() {
        #expect(holds("ip('127.0.0.1') == ip('127.0.0.1')"))
        #expect(holds("ip('127.0.0.1') != ip('10.0.0.1')"))
        #expect(holds("ip('2001:db8::1') == ip('2001:DB8::1')"))
        #expect(holds("ip('::') != ip('::ffff')"))
        // An IPv4 address equals its IPv4-mapped IPv6 form.
        #expect(holds("ip('::ffff:c0a8:1') == ip('192.168.0.1')"))
        #expect(holds("ip('::ffff:c0a8:1') != ip('192.168.10.1')"))
        #expect(holds("ip('1.2.3.4') != '1.2.3.4'"))
        #expect(holds("ip('1.2.3.4') != cidr('1.2.3.4/32')"))
        #expect(holds("ip('1.2.3.4') in [ip('5.6.7.8'), ip('1.2.3.4')]"))
        #expect(holds("[ip('1.2.3.4'), ip('1.2.3.4')].distinct() == [ip('1.2.3.4')]"))
        #expect(holds("sets.contains([ip('::1')], [ip('0::1')])"))
    }

    @Test func parseNetworks() {
        #expect(holds("isCIDR('192.168.0.0/24')"))
        #expect(holds("isCIDR('::/0')"))
        #expect(holds("isCIDR('2001:db8::/128')"))
        for bad in [
            "192.168.0.0/", "192.168.0.0", "/24", "192.168.0.0/33", "::/129", "1.2.3.4/08", "1.2.3.4/+8",
            "1.2.3.4/-1", "1.2.3.4/8/8", "1.2.3.4/ 8", "300.0.0.0/8",
        ] {
            #expect(holds("!isCIDR('\(bad)')"))
            #expect(errorMessage("cidr('\(bad)')")?.contains("network address parse error") == true)
        }
    }

    @Test func networkAccessors() {
        #expect(holds("cidr('192.168.0.0/24').ip() == ip('192.168.0.0')"))
        #expect(holds("cidr('192.168.0.1/24').ip() == ip('192.168.0.1')"))
        #expect(holds("cidr('2001:db8::/32').ip() == ip('2001:db8::')"))
        #expect(holds("cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')"))
        #expect(holds("cidr('192.168.0.1/24') != cidr('192.168.0.0/24')"))
        #expect(text("string(cidr('10.1.2.3/0').masked())") == "0.0.0.0/0")
        #expect(text("string(cidr('2001:db8:ffff::1/33').masked())") == "2001:db8:8000::/33")
        #expect(text("string(cidr('::1/128').masked())") == "::1/128")
        #expect(holds("cidr('192.168.0.0/24').prefixLength() == 24"))
        #expect(holds("cidr('2001:db8::/32').prefixLength() == 32"))
        #expect(holds("cidr('127.0.0.1/24') == cidr('127.0.0.1/24')"))
        #expect(holds("cidr('2001:db8::/32') != cidr('10.0.0.1/32')"))
        #expect(isError(evaluate("ip('1.2.3.4').prefixLength()")))
        #expect(isError(evaluate("ip('1.2.3.4').masked()")))
    }

    @Test func containment() {
        #expect(holds("cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))"))
        #expect(holds("!cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))"))
        #expect(holds("cidr('192.168.0.0/24').containsIP('192.168.0.255')"))
        #expect(holds("!cidr('192.168.0.0/24').containsIP('192.168.1.1')"))
        #expect(holds("cidr('0.0.0.0/0').containsIP('8.8.8.8')"))
        #expect(holds("cidr('2001:db8::/32').containsIP(ip('2001:db8::1'))"))
        // The families never mix.
        #expect(holds("!cidr('2001:db8::/32').containsIP(ip('192.168.1.1'))"))
        #expect(holds("!cidr('192.168.1.1/32').containsIP(ip('2001:db8::1'))"))
        #expect(holds("!cidr('::/0').containsIP('1.2.3.4')"))
        #expect(holds("cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/25'))"))
        #expect(holds("cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.1/32'))"))
        #expect(holds("!cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/23'))"))
        #expect(holds("cidr('192.168.0.0/24').containsCIDR('192.168.0.128/25')"))
        #expect(holds("cidr('10.0.0.0/8').containsCIDR('10.0.0.0/8')"))
        #expect(holds("cidr('2001:db8::/32').containsCIDR(cidr('2001:db8::/33'))"))
        #expect(holds("!cidr('2001:db8::/32').containsCIDR(cidr('10.0.0.0/8'))"))
        #expect(errorMessage("cidr('10.0.0.0/8').containsIP('10.0.0.256')")?.contains("parse error") == true)
        #expect(errorMessage("cidr('10.0.0.0/8').containsCIDR('10.0.0.0/99')")?.contains("parse error") == true)
        #expect(isError(evaluate("cidr('10.0.0.0/8').containsIP(cidr('10.0.0.0/8'))")))
        #expect(isError(evaluate("cidr('10.0.0.0/8').containsCIDR(ip('10.0.0.1'))")))
        #expect(isError(evaluate("ip('10.0.0.1').containsIP('10.0.0.1')")))
    }

    @Test func withVariables() {
        let bindings: [String: Value] = ["request": .string("10.1.2.3")]
        #expect(evaluate("cidr('10.0.0.0/8').containsIP(request)", bindings).description == "true")
        #expect(evaluate("ip(request).isGlobalUnicast()", bindings).description == "true")
        #expect(evaluate("ip(request)", bindings).description == "10.1.2.3")
    }
}
