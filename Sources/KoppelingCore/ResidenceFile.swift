/// Residences from the National Register, as `koppeling import residence` reads them: a CSV file
/// with a header line, or NDJSON, one residence per line, each the national number, the date the
/// person lives there from, and the NIS code of the Belgian municipality or the ISO 3166-1 alpha-2
/// code of the country abroad. Every line becomes a `residence_changed` event whose region follows
/// from the NIS code's province digits (``EventPayload/ResidenceChanged/Region/init(nisCode:)``).
///
/// CSV columns, named in the header (any order, `,` or `;` between them): `insz`, `date`, and
/// `nisCode` or `country` (or one `place` column holding either). Event ids are derived from the
/// line's content, so reading the same file again adds nothing.
public enum ResidenceFile {
    /// A line that cannot be read, with its number.
    public struct LineError: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Every line's error of a file that cannot be read whole.
    public struct FileErrors: Error, Sendable {
        public var lines: [LineError]
    }

    /// The events of a whole file, or every line's error (nothing is partly read).
    public static func events(
        from text: String, policy: NationalNumber.Policy, source: String = "national-register"
    ) -> Result<[Event], FileErrors> {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        guard let first = lines.firstIndex(where: { !$0.isEmpty }) else {
            return .failure(FileErrors(lines: [LineError(line: 1, message: "the file holds no residence")]))
        }
        var events: [Event] = []
        var errors: [LineError] = []
        func add(_ number: Int, _ record: () throws(LineError) -> (String, String, String?, String?)) {
            do {
                let (insz, date, nis, country) = try record()
                events.append(
                    try event(insz: insz, date: date, nisCode: nis, country: country, policy: policy, source: source, line: number))
            } catch {
                errors.append(error)
            }
        }
        if lines[first].hasPrefix("{") {
            for (index, line) in lines.enumerated() where !line.isEmpty {
                add(index + 1) { () throws(LineError) in try jsonRecord(line, line: index + 1) }
            }
        } else {
            let header = lines[first]
            let separator: Character = header.contains(";") ? ";" : ","
            let names = header.split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmingWhitespace().lowercased() }
            guard let inszColumn = names.firstIndex(of: "insz"), let dateColumn = names.firstIndex(of: "date") else {
                return .failure(
                    FileErrors(lines: [
                        LineError(
                            line: first + 1, message: "expected a header naming the columns insz, date and nisCode or country (or place)")
                    ]))
            }
            let nisColumn = names.firstIndex(of: "niscode")
            let countryColumn = names.firstIndex(of: "country")
            let placeColumn = names.firstIndex(of: "place")
            guard nisColumn != nil || countryColumn != nil || placeColumn != nil else {
                return .failure(
                    FileErrors(lines: [LineError(line: first + 1, message: "the header names no nisCode, country or place column")]))
            }
            for index in lines.indices where index > first && !lines[index].isEmpty {
                let cells = lines[index].split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
                add(index + 1) { () throws(LineError) in
                    guard cells.count == names.count else {
                        throw LineError(line: index + 1, message: "expected \(names.count) columns, got \(cells.count)")
                    }
                    func cell(_ column: Int?) -> String? { column.map { cells[$0] }.flatMap { $0.isEmpty ? nil : $0 } }
                    var nis = cell(nisColumn)
                    var country = cell(countryColumn)
                    if let place = cell(placeColumn) {
                        if place.allSatisfy(\.isNumber) { nis = place } else { country = place }
                    }
                    return (cells[inszColumn], cells[dateColumn], nis, country)
                }
            }
        }
        return errors.isEmpty ? .success(events) : .failure(FileErrors(lines: errors))
    }

    static func jsonRecord(_ text: String, line: Int) throws(LineError) -> (String, String, String?, String?) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            throw LineError(line: line, message: "not a JSON object: \(error)")
        }
        guard case .object(let members) = value else { throw LineError(line: line, message: "expected a JSON object") }
        let known: Set<String> = ["insz", "date", "nisCode", "country"]
        if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
            throw LineError(line: line, message: "unknown member \(unknown)")
        }
        guard let insz = members["insz"]?.stringValue, let date = members["date"]?.stringValue else {
            throw LineError(line: line, message: "expected the strings insz and date")
        }
        return (insz, date, members["nisCode"]?.stringValue, members["country"]?.stringValue)
    }

    /// The event of one residence.
    public static func event(
        insz text: String, date dateText: String, nisCode: String?, country: String?, policy: NationalNumber.Policy, source: String,
        line: Int
    ) throws(LineError) -> Event {
        let insz: NationalNumber
        do {
            insz = try NationalNumber(text, policy: policy)
        } catch {
            throw LineError(line: line, message: "invalid national number (\(error.code))")
        }
        guard let date = LocalDate(dateText) else {
            throw LineError(line: line, message: "expected a date YYYY-MM-DD, got \"\(dateText)\"")
        }
        let residence: EventPayload.ResidenceChanged
        switch (nisCode, country) {
        case (let nis?, nil):
            guard let region = EventPayload.ResidenceChanged.Region(nisCode: nis) else {
                throw LineError(line: line, message: "\"\(nis)\" is not the five-digit NIS code of a Belgian municipality")
            }
            residence = .init(region: region, nisCode: nis)
        case (nil, let code?):
            let upper = code.uppercased()
            guard upper != "BE" else {
                throw LineError(line: line, message: "a residence in Belgium is given by the municipality's NIS code, not BE")
            }
            guard EventPayload.ResidenceChanged.isCountryCode(upper) else {
                throw LineError(line: line, message: "\"\(code)\" is not an ISO 3166-1 alpha-2 country code")
            }
            residence = .init(region: .abroad, country: upper)
        case (nil, nil): throw LineError(line: line, message: "expected a NIS code or a country code")
        case (_?, _?): throw LineError(line: line, message: "a NIS code or a country code, not both")
        }
        let place = residence.nisCode ?? residence.country ?? ""
        return Event(
            eventId: SnapshotReconciliation.derivedId(["residence", insz.digits, date.description, place]), insz: insz, effectiveDate: date,
            source: source, payload: .residenceChanged(residence))
    }
}
