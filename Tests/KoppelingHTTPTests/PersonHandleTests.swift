import Foundation
import KoppelingConsole
import KoppelingCore
import KoppelingTestSupport
import Testing

@Suite("Person handles and the console's times")
struct PersonHandleTests {
    static let t0 = Instant("2026-12-01T10:00:00Z")!

    static func handle(session: String = "s1") throws -> PersonHandle {
        PersonHandle(
            insz: try NationalNumber("85073003328", policy: TestEnvironment.policy), purpose: .dataQuality, reference: "DOS-1 é",
            referenceDate: LocalDate("2026-06-30"), knownAt: Instant("2026-11-30T08:00:00Z"), session: session,
            expiresAt: Instant(microsecondsSinceEpoch: t0.microsecondsSinceEpoch + 900_000_000))
    }

    @Test(
        """
        a handle opens to what was sealed in the session that made it, until it expires; it shows no digit of the number, \
        and an altered one, another session's, another key's or an expired one does not open
        """)
    func sealAndOpen() throws {
        let sealer = PersonHandle.Sealer(secret: Array(repeating: 7, count: 32))
        let handle = try Self.handle()
        let text = try sealer.seal(handle)
        #expect(
            !text.contains("85073003328") && !text.contains("850730") && text.allSatisfy { $0.isLetter || $0.isNumber || "-_".contains($0) }
        )
        #expect(try sealer.seal(handle) != text, "a fresh nonce each time: two searches give two handles")
        #expect(sealer.open(text, session: "s1", at: Self.t0, policy: TestEnvironment.policy) == handle)
        #expect(sealer.open(text, session: "s2", at: Self.t0, policy: TestEnvironment.policy) == nil)
        let late = Instant(microsecondsSinceEpoch: handle.expiresAt.microsecondsSinceEpoch)
        #expect(sealer.open(text, session: "s1", at: late, policy: TestEnvironment.policy) == nil)
        var altered = Array(text)
        altered[20] = altered[20] == "A" ? "B" : "A"
        #expect(sealer.open(String(altered), session: "s1", at: Self.t0, policy: TestEnvironment.policy) == nil)
        let other = PersonHandle.Sealer(secret: Array(repeating: 8, count: 32))
        #expect(other.open(text, session: "s1", at: Self.t0, policy: TestEnvironment.policy) == nil)
        #expect(sealer.open("", session: "s1", at: Self.t0, policy: TestEnvironment.policy) == nil)
        #expect(sealer.open(String(repeating: "A", count: 2000), session: "s1", at: Self.t0, policy: TestEnvironment.policy) == nil)
    }

    @Test("a time typed in a form is read in the register's zone, in winter and in summer")
    func localTimes() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Brussels"))
        func instant(_ text: String) -> String? {
            let components = DateComponents(
                calendar: Calendar(identifier: .gregorian), timeZone: zone, year: Int(text.prefix(4)),
                month: Int(text.dropFirst(5).prefix(2)), day: Int(text.dropFirst(8).prefix(2)), hour: Int(text.dropFirst(11).prefix(2)),
                minute: Int(text.dropFirst(14).prefix(2)), second: text.count > 16 ? Int(text.dropFirst(17).prefix(2)) : 0)
            return components.date.map { String(Int64($0.timeIntervalSince1970)) }
        }
        for text in ["2026-12-01T14:05", "2026-07-01T14:05:09", "2026-03-29T01:59", "2026-03-29T03:00", "2026-10-25T04:00"] {
            let parsed = try #require(ConsoleRegisterAccess.instant(local: text, zone: zone), "\(text)")
            #expect(String(parsed.microsecondsSinceEpoch / 1_000_000) == instant(text), "\(text)")
        }
        for bad in ["2026-12-01", "2026-12-01T25:00", "2026-12-01T10:60", "2026-13-01T10:00", "x", "2026-12-01T10:00:00:00"] {
            #expect(ConsoleRegisterAccess.instant(local: bad, zone: zone) == nil, "\(bad)")
        }
    }
}
