import KoppelingCore
import KoppelingStore
import KoppelingStoreSQLite
import Synchronization
import Testing

@Suite("The register's national-number policy")
struct RegisterPolicyTests {
    @Test("the policy is the current year's at each use: a register running over New Year accepts the new year's newborns")
    func policyFollowsTheClock() throws {
        let day = Mutex(LocalDate("2026-12-31")!)
        let register = Register(
            store: try SQLiteRegisterStore(), engine: StatusEngine(), allowsTestNumbers: false, today: { day.withLock { $0 } })
        // Born 1 January 2027: check digits over 2 followed by the first nine digits.
        let firstNine = 270_101_001
        let check = NationalNumber.checkDigits(firstNine: firstNine, bornIn2000s: true)
        let number = "270101001" + (check < 10 ? "0" : "") + String(check)
        #expect(throws: NationalNumber.Invalid.self) { try NationalNumber(number, policy: register.policy) }
        day.withLock { $0 = LocalDate("2027-01-01")! }
        #expect(try NationalNumber(number, policy: register.policy).birthYear == 2027)
    }
}
