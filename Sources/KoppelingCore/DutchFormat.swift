/// How the console writes numbers and instants in Dutch: `1.234`, `1 december 2026 om 14:05`.
public enum DutchFormat {
    /// An integer with a dot between each group of three digits: `1.234.567`, `-12`.
    public static func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "." }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// A date: `1 december 2026`.
    public static func date(_ date: LocalDate) -> String { Language.nl.date(date) }

    /// An instant as a Belgian reads it in `offsetSeconds` (the register's zone on that day):
    /// `1 december 2026 om 14:05:09`.
    public static func instant(_ instant: Instant, offsetSeconds: Int) -> String {
        let micros = instant.microsecondsSinceEpoch + Int64(offsetSeconds) * 1_000_000
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let within = seconds - days * 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let time = "\(two(within / 3600)):\(two(within % 3600 / 60)):\(two(within % 60))"
        return "\(date(LocalDate(daysSinceEpoch: Int32(days)))) om \(time)"
    }
}
