import Foundation
import Testing

@testable import tessera

@Suite("tessera decisions")
struct DecisionsCommandTests {
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("TIME is RFC 3339 or an age: 90s, 15m, 2h, 7d ago")
    func times() {
        #expect(DecisionsCommand.time("15m", now: now) == now.addingTimeInterval(-900))
        #expect(DecisionsCommand.time("2h", now: now) == now.addingTimeInterval(-7200))
        #expect(DecisionsCommand.time("7d", now: now) == now.addingTimeInterval(-604_800))
        #expect(DecisionsCommand.time("90s", now: now) == now.addingTimeInterval(-90))
        #expect(
            DecisionsCommand.time("2027-01-14T08:00:00Z", now: now) == Date(timeIntervalSince1970: 1_799_913_600)
        )
        #expect(
            DecisionsCommand.time("2027-01-14T10:00:00.5+02:00", now: now)
                == Date(timeIntervalSince1970: 1_799_913_600.5)
        )
        for bad in ["", "m", "15x", "-5m", "yesterday", "2027-01-15", "99999999999999d"] {
            #expect(DecisionsCommand.time(bad, now: now) == nil, "\(bad)")
        }
    }

    @Test("times print as UTC with milliseconds, durations with a unit")
    func formatting() {
        #expect(DecisionsCommand.timeText(Date(timeIntervalSince1970: 1_799_913_600.25)) == "2027-01-14T08:00:00.250Z")
        #expect(DecisionsCommand.timeText(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(DecisionsCommand.durationText(850) == "850ns")
        #expect(DecisionsCommand.durationText(12_345) == "12.3µs")
        #expect(DecisionsCommand.durationText(1_250_000) == "1.25ms")
        #expect(DecisionsCommand.durationText(2_000_000_000) == "2s")
    }

    @Test("the table of no match, and the JSON of no match")
    func empty() {
        #expect(DecisionsCommand.table([]) == "no decisions match\n")
        #expect(DecisionsCommand.json([]) == "[]")
    }
}
