/// A Belgian national number (*rijksregisternummer*) or BIS number, the identifier the register
/// keys every person by (BRIEF section 6).
///
/// The value is the eleven digits; the display form is `YY.MM.DD-SSS.CC`. A national number
/// identifies a person, so `description` is deliberately the redacted form: interpolating one into
/// a log line never leaks it. Use ``digits`` or ``formatted`` where the number is really meant.
public struct NationalNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// What kind of identifier the number is.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A number of the National Register.
        case national
        /// A BIS number (month raised by 20 or 40).
        case bis
        /// A number of MAGDA's test environment (month raised by 60).
        case magdaTest = "magda-test"
    }

    /// The sex encoded by the day counter, where the number tells it.
    public enum Sex: String, Sendable, Hashable, Codable {
        case male = "M"
        case female = "F"
    }

    /// Why a text is not a valid national number.
    public enum Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        /// Not eleven digits after removing the separators `.`, `-` and spaces.
        case length(Int)
        /// A character other than a digit or a separator.
        case nonDigit(Character)
        /// The month field is not 00–12 (national), 20–32 or 40–52 (BIS), or 60–72 (MAGDA test, where allowed).
        case impossibleMonth(Int)
        /// The month field is a MAGDA test month but test numbers are not accepted here.
        case testNumberNotAllowed
        /// The day does not exist in the month of the birth date.
        case impossibleDay(Int)
        /// The check digits match neither a birth in the 1900s nor one in the 2000s.
        case checkDigits
        /// One of the synthetic persons of MAGDA's public test data, refused outside demo and test
        /// mode (``NationalNumber/magdaTestPersons``).
        case magdaTestPerson

        /// A stable machine-readable code.
        public var code: String {
            switch self {
            case .length: "length"
            case .nonDigit: "non-digit"
            case .impossibleMonth: "impossible-month"
            case .testNumberNotAllowed: "test-number-not-allowed"
            case .impossibleDay: "impossible-day"
            case .checkDigits: "check-digits"
            case .magdaTestPerson: "magda-test-person"
            }
        }

        public var description: String {
            switch self {
            case .length(let count): "length: expected 11 digits, got \(count)"
            case .nonDigit(let character): "non-digit: unexpected character \"\(character)\""
            case .impossibleMonth(let month): "impossible-month: month field \(LocalDate.pad(month, 2)) is not 00-12, 20-32 or 40-52"
            case .testNumberNotAllowed: "test-number-not-allowed: MAGDA test numbers (month raised by 60) are not accepted here"
            case .impossibleDay(let day): "impossible-day: day \(LocalDate.pad(day, 2)) does not exist in that month"
            case .checkDigits: "check-digits: the check digits do not match"
            case .magdaTestPerson: "magda-test-person: a synthetic person of MAGDA's public test data, accepted only in demo and test mode"
            }
        }
    }

    /// What a parser accepts besides the numbers of the National Register and BIS numbers.
    public struct Policy: Sendable, Hashable {
        /// Whether MAGDA test numbers (month raised by 60), and the synthetic persons of MAGDA's
        /// public test data (``NationalNumber/magdaTestPersons``), are accepted: demo and test mode.
        public var allowsTestNumbers: Bool
        /// The current year: a birth in the 2000s is only considered up to this year.
        public var currentYear: Int

        /// Creates a policy.
        public init(allowsTestNumbers: Bool, currentYear: Int) {
            self.allowsTestNumbers = allowsTestNumbers
            self.currentYear = currentYear
        }
    }

    /// The eleven digits.
    public let digits: String
    /// National, BIS or MAGDA test number.
    public let kind: Kind
    /// The birth year, when known.
    public let birthYear: Int?
    /// The birth month, when known.
    public let birthMonth: Int?
    /// The birth day, when known.
    public let birthDay: Int?
    /// The sex, when the number encodes it (not for BIS numbers with the month raised by 20).
    public let sex: Sex?

    /// Parses a national number, accepting the separators of the display form.
    public init(_ text: some StringProtocol, policy: Policy) throws(Invalid) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(11)
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ") { continue }
            guard byte >= 48, byte <= 57 else {
                let offending = text.first { !$0.isASCII || !($0.isNumber || $0 == "." || $0 == "-" || $0 == " ") } ?? "?"
                throw .nonDigit(offending)
            }
            bytes.append(byte - 48)
        }
        guard bytes.count == 11 else { throw .length(bytes.count) }
        func value(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1]) } }
        let yy = value(0..<2)
        let monthField = value(2..<4)
        let dayField = value(4..<6)
        let counter = value(6..<9)
        let check = value(9..<11)
        let kind: Kind
        let month: Int
        switch monthField {
        case 0...12: (kind, month) = (.national, monthField)
        case 20...32: (kind, month) = (.bis, monthField - 20)
        case 40...52: (kind, month) = (.bis, monthField - 40)
        case 60...72:
            guard policy.allowsTestNumbers else { throw .testNumberNotAllowed }
            (kind, month) = (.magdaTest, monthField - 60)
        default: throw .impossibleMonth(monthField)
        }
        let firstNine = value(0..<9)
        let century: Int
        if 97 - firstNine % 97 == check {
            century = 1900
        } else if 2000 + yy <= policy.currentYear, 97 - (2_000_000_000 + firstNine) % 97 == check {
            century = 2000
        } else {
            throw .checkDigits
        }
        let year = century + yy
        // 00 00 01 is the fictitious birth date of someone whose birth date was not known at all.
        let unknownDate = month == 0 && dayField == 1 && yy == 0
        if month != 0, dayField != 0, dayField > LocalDate.daysIn(month: month, year: year) {
            throw .impossibleDay(dayField)
        }
        let digits = String(decoding: bytes.map { $0 + 48 }, as: UTF8.self)
        guard policy.allowsTestNumbers || !Self.magdaTestPersons.contains(digits) else { throw .magdaTestPerson }
        self.digits = digits
        self.kind = kind
        self.birthYear = unknownDate ? nil : year
        // A month 00 means the birth date was unknown, or the day counters of that date ran out;
        // the day field then carries no birth day.
        self.birthMonth = month == 0 ? nil : month
        self.birthDay = month == 0 || dayField == 0 ? nil : dayField
        self.sex = kind == .bis && monthField < 40 ? nil : (counter % 2 == 1 ? .male : .female)
    }

    /// The national numbers of the twelve synthetic persons of MAGDA's public test data (the shared
    /// KBI fixtures). They are ordinary valid numbers of the National Register, so outside demo
    /// and test mode they are refused: test data must never mix with a real register.
    public static let magdaTestPersons: Set<String> = [
        "90122500159", "90122501446", "90122501644", "90122501842", "90122502139", "90122600228",
        "90122600327", "90122600525", "91010100144", "96010100152", "98030499789", "99020210189",
    ]

    /// The birth date when year, month and day are all known.
    public var birthDate: LocalDate? {
        guard let birthYear, let birthMonth, let birthDay else { return nil }
        return LocalDate(year: birthYear, month: birthMonth, day: birthDay)
    }

    /// The birth date as `YYYY-MM-DD` with `00` for an unknown month or day and `0000` for an unknown year.
    public var birthDateText: String {
        LocalDate.pad(birthYear ?? 0, 4) + "-" + LocalDate.pad(birthMonth ?? 0, 2) + "-" + LocalDate.pad(birthDay ?? 0, 2)
    }

    /// The display form `YY.MM.DD-SSS.CC`.
    public var formatted: String {
        let d = Array(digits)
        return "\(d[0])\(d[1]).\(d[2])\(d[3]).\(d[4])\(d[5])-\(d[6])\(d[7])\(d[8]).\(d[9])\(d[10])"
    }

    /// The number as lists show it to whom it is not needed: the first two and the last two
    /// digits, `85.••.••-•••.28`, enough to tell entries apart without giving the birth date.
    public var masked: String {
        let d = Array(digits)
        return "\(d[0])\(d[1]).••.••-•••.\(d[9])\(d[10])"
    }

    /// A redacted form safe for logs: `YY.MM.DD-***.**` would still reveal a birth date, so nothing is shown.
    public var description: String { "NationalNumber(redacted)" }

    public static func < (lhs: NationalNumber, rhs: NationalNumber) -> Bool {
        lhs.digits < rhs.digits
    }

    public static func == (lhs: NationalNumber, rhs: NationalNumber) -> Bool {
        lhs.digits == rhs.digits
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(digits)
    }

    /// The check digits for nine leading digits, for a birth in the 1900s or the 2000s.
    public static func checkDigits(firstNine: Int, bornIn2000s: Bool) -> Int {
        97 - ((bornIn2000s ? 2_000_000_000 : 0) + firstNine) % 97
    }
}
