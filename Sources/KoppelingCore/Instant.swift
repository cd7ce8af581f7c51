/// A point in time in UTC with microsecond precision, as the register records `recordedAt`.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public let microsecondsSinceEpoch: Int64

    /// Creates an instant from microseconds since the Unix epoch.
    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// This instant plus a number of seconds.
    public func adding(seconds: Int64) -> Instant {
        Instant(microsecondsSinceEpoch: microsecondsSinceEpoch + seconds * 1_000_000)
    }

    /// The seconds from an earlier instant to this one.
    public func seconds(since earlier: Instant) -> Double {
        Double(microsecondsSinceEpoch - earlier.microsecondsSinceEpoch) / 1_000_000
    }

    /// The UTC calendar day this instant falls on.
    public var utcDate: LocalDate {
        let days =
            microsecondsSinceEpoch >= 0
            ? microsecondsSinceEpoch / 86_400_000_000
            : (microsecondsSinceEpoch - 86_399_999_999) / 86_400_000_000
        return LocalDate(daysSinceEpoch: Int32(days))
    }

    /// ISO 8601 in UTC, `2026-11-29T10:15:00.123456Z`; the fraction is left out when it is zero.
    public var description: String {
        let date = utcDate
        let micros = microsecondsSinceEpoch - Int64(date.daysSinceEpoch) * 86_400_000_000
        let seconds = Int(micros / 1_000_000)
        let fraction = Int(micros % 1_000_000)
        var text =
            date.description + "T" + LocalDate.pad(seconds / 3600, 2) + ":" + LocalDate.pad(seconds / 60 % 60, 2)
            + ":" + LocalDate.pad(seconds % 60, 2)
        if fraction != 0 {
            text += "." + LocalDate.pad(fraction, 6)
        }
        return text + "Z"
    }

    /// Parses ISO 8601 date-times such as `2026-11-29T10:15:00Z`, `2026-11-29T10:15:00.5+01:00`;
    /// an offset is required so that the instant is not ambiguous.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, let date = bytes[0..<10].withUnsafeBufferPointer({ LocalDate.parse($0) }),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " ")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        guard let hour = number(11..<13), bytes[13] == UInt8(ascii: ":"), let minute = number(14..<16),
            bytes[16] == UInt8(ascii: ":"), let second = number(17..<19),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var micros = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 6 {
                    micros = micros * 10 + Int(bytes[index] - 48)
                }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard bytes.count == index + 6, let oh = number(index + 1..<index + 3), bytes[index + 3] == UInt8(ascii: ":"),
                let om = number(index + 4..<index + 6), oh < 24, om < 60
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        self.microsecondsSinceEpoch = seconds * 1_000_000 + Int64(micros)
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }
}

extension Instant: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let instant = Instant(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an ISO 8601 instant with offset, such as 2026-11-29T10:15:00Z, got \"\(text)\"")
        }
        self = instant
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
