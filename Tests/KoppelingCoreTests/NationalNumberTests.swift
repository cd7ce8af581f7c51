import KoppelingCore
import KoppelingTestSupport
import Testing

@Suite("National numbers")
struct NationalNumberTests {
    let policy = NationalNumber.Policy(allowsTestNumbers: false, currentYear: 2026)
    let testPolicy = NationalNumber.Policy(allowsTestNumbers: true, currentYear: 2026)

    @Test("published examples parse with birth date, sex and kind")
    func examples() throws {
        let man = try NationalNumber("85.07.30-033.28", policy: policy)
        #expect(man.digits == "85073003328")
        #expect(man.kind == .national)
        #expect(man.birthDate == LocalDate("1985-07-30"))
        #expect(man.sex == .male)
        #expect(man.formatted == "85.07.30-033.28")
        let born2017 = try NationalNumber("17073003384", policy: policy)
        #expect(born2017.birthYear == 2017)
        let bis = try NationalNumber("98472899765", policy: policy)
        #expect(bis.kind == .bis)
        #expect(bis.birthDate == LocalDate("1998-07-28"))
        #expect(bis.sex == .male)
    }

    @Test("a BIS number with the month raised by 20 has no sex")
    func bisWithoutSex() throws {
        let first9 = 902_212_001
        let text = String(first9) + String(format2(NationalNumber.checkDigits(firstNine: first9, bornIn2000s: false)))
        let number = try NationalNumber(text, policy: policy)
        #expect(number.kind == .bis)
        #expect(number.sex == nil)
        #expect(number.birthDate == LocalDate("1990-02-12"))
    }

    @Test("each invalid number gets its precise reason")
    func reasons() {
        #expect(throws: NationalNumber.Invalid.length(10)) { try NationalNumber("8507300332", policy: policy) }
        #expect(throws: NationalNumber.Invalid.nonDigit("x")) { try NationalNumber("85073x03328", policy: policy) }
        #expect(throws: NationalNumber.Invalid.checkDigits) { try NationalNumber("85073003329", policy: policy) }
        #expect(throws: NationalNumber.Invalid.impossibleMonth(13)) { try NationalNumber(withCheck("851330033"), policy: policy) }
        #expect(throws: NationalNumber.Invalid.impossibleDay(30)) { try NationalNumber(withCheck("850230033"), policy: policy) }
        #expect(throws: NationalNumber.Invalid.impossibleDay(29)) { try NationalNumber(withCheck("850229033"), policy: policy) }
        #expect(throws: Never.self) { try NationalNumber(withCheck("840229033"), policy: policy) }
        #expect(throws: NationalNumber.Invalid.testNumberNotAllowed) { try NationalNumber(withCheck("856730033"), policy: policy) }
    }

    @Test("MAGDA test numbers only where the policy allows them")
    func testNumbers() throws {
        let number = try NationalNumber(withCheck("856730033"), policy: testPolicy)
        #expect(number.kind == .magdaTest)
        #expect(number.birthDate == LocalDate("1985-07-30"))
    }

    @Test("unknown month or day, and the fictitious date of an unknown birth date")
    func unknownParts() throws {
        let unknownDay = try NationalNumber(withCheck("850700033"), policy: policy)
        #expect(unknownDay.birthMonth == 7)
        #expect(unknownDay.birthDay == nil)
        #expect(unknownDay.birthDateText == "1985-07-00")
        let unknownMonth = try NationalNumber(withCheck("850045033"), policy: policy)
        #expect(unknownMonth.birthMonth == nil)
        #expect(unknownMonth.birthDay == nil)
        let unknownDate = try NationalNumber(withCheck("000001033"), policy: policy)
        #expect(unknownDate.birthYear == nil)
        #expect(unknownDate.birthDateText == "0000-00-00")
    }

    @Test("a birth in the 2000s is only considered up to the current year")
    func centuryDependsOnYear() throws {
        let text = String(format9(270_101_001)) + format2(NationalNumber.checkDigits(firstNine: 270_101_001, bornIn2000s: true))
        #expect(throws: NationalNumber.Invalid.checkDigits) { try NationalNumber(text, policy: policy) }
        let later = NationalNumber.Policy(allowsTestNumbers: false, currentYear: 2027)
        #expect(try NationalNumber(text, policy: later).birthYear == 2027)
    }

    @Test("description never shows the number")
    func redacted() throws {
        let number = try NationalNumber("85073003328", policy: policy)
        #expect(!"\(number)".contains("850730"))
    }

    func withCheck(_ firstNine: String) -> String {
        let value = Int(firstNine)!
        return firstNine + format2(NationalNumber.checkDigits(firstNine: value, bornIn2000s: false))
    }

    func format2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    func format9(_ value: Int) -> String { String(repeating: "0", count: 9 - String(value).count) + String(value) }
}
