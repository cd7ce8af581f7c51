/// The languages the register answers in: DVZ works in Dutch and French.
public enum Language: String, Sendable, Hashable, CaseIterable, Codable {
    case nl
    case fr

    static let dutchMonths = [
        "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december",
    ]
    static let frenchMonths = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ]

    /// A date as people write it in the language: `30 juni 2024`, `30 juin 2024` (`1er` in French).
    public func date(_ date: LocalDate) -> String {
        let (year, month, day) = date.components
        switch self {
        case .nl: return "\(day) \(Self.dutchMonths[month - 1]) \(year)"
        case .fr: return "\(day == 1 ? "1er" : String(day)) \(Self.frenchMonths[month - 1]) \(year)"
        }
    }

    /// The language an `Accept-Language` header prefers among Dutch and French (RFC 9110 section
    /// 12.5.4: the highest weight wins, the earlier range on a tie); Dutch when it names neither.
    public static func preferred(acceptLanguage header: String?) -> Language {
        guard let header else { return .nl }
        var best: (language: Language, weight: Double)?
        for range in header.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.filter { $0 != " " && $0 != "\t" } }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard weight > 0, let language = Language(rawValue: primary) else { continue }
            if best == nil || weight > best!.weight { best = (language, weight) }
        }
        return best?.language ?? .nl
    }
}

/// A text in Dutch and in French.
public struct BilingualText: Sendable, Hashable, Codable {
    public var nl: String
    public var fr: String

    public init(nl: String, fr: String) {
        self.nl = nl
        self.fr = fr
    }

    /// The text in a language.
    public subscript(language: Language) -> String {
        switch language {
        case .nl: nl
        case .fr: fr
        }
    }

    /// `{"nl":…,"fr":…}`.
    public var jsonValue: JSONValue {
        .object(["nl": .string(nl), "fr": .string(fr)])
    }

    /// Writes `{"nl":…,"fr":…}`.
    public func writeJSON(to output: inout String) {
        output += "{\"nl\":"
        JSONValue.writeString(nl, to: &output)
        output += ",\"fr\":"
        JSONValue.writeString(fr, to: &output)
        output += "}"
    }
}
