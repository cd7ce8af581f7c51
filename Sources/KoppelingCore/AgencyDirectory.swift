/// The integration agencies by code, so that a disclosure names the agency that follows a person
/// instead of an internal identifier (`docs/kbi-import.md`, "Following agency").
///
/// A code is what events carry as `agency`: the short names agency systems send (`agii`,
/// `atlas`, `amal`, `bon`) or an enterprise (KBO) number of ten digits, as KBI gives it. The
/// standard table holds the short names; enterprise numbers are added by the operator
/// (`KOPPELING_AGENCIES`), since the register must not guess which number is which agency. A code
/// the table lacks is disclosed as it is and listed in the import report.
public struct AgencyDirectory: Sendable, Hashable {
    /// Name per code.
    public var names: [String: String]

    public init(names: [String: String]) {
        self.names = names
    }

    /// The agencies of BRIEF section 1 under their short names.
    public static let standard = AgencyDirectory(names: [
        "agii": "Agentschap Integratie en Inburgering",
        "atlas": "Atlas, integratie & inburgering Antwerpen",
        "amal": "Amal (voorheen In-Gent), Gent",
        "in-gent": "Amal (voorheen In-Gent), Gent",
        "bon": "Bon, Brussels Onthaalbureau Nieuwkomers",
    ])

    /// The name of an agency, nil for a code the table lacks. An enterprise number matches with
    /// or without its separators (`0421.722.346` and `0421722346`).
    public func name(of code: String) -> String? {
        names[code] ?? names[Self.normalized(code)]
    }

    /// What a disclosure says: the name, else the code as it is.
    public func disclosed(_ code: String) -> String {
        name(of: code) ?? code
    }

    /// An enterprise number without separators; any other code lower-cased.
    static func normalized(_ code: String) -> String {
        let digits = code.filter { $0 != "." && $0 != " " }
        return digits.allSatisfy(\.isNumber) ? digits : code.lowercased()
    }

    /// Adds entries from `code,name` lines (`;` also separates; `#` comments and blank lines are
    /// skipped); a malformed line is an error naming it.
    public func adding(csv text: String) throws(AgencyDirectoryError) -> AgencyDirectory {
        var result = self
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingWhitespace()
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            guard let separator = line.firstIndex(where: { $0 == "," || $0 == ";" }) else {
                throw AgencyDirectoryError(line: number + 1, message: "expected code,name")
            }
            let code = String(line[..<separator]).trimmingWhitespace()
            let name = String(line[line.index(after: separator)...]).trimmingWhitespace()
            guard !code.isEmpty, !name.isEmpty else { throw AgencyDirectoryError(line: number + 1, message: "expected code,name") }
            result.names[Self.normalized(code)] = name
        }
        return result
    }
}

/// A line of an agency table that cannot be read.
public struct AgencyDirectoryError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and carriage returns.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
