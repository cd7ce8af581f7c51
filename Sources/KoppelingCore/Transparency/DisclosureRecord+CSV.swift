extension DisclosureRecord {
    /// The header of a CSV export of disclosure records (RFC 4180, CRLF line ends).
    public static let csvHeader =
        "index,at,client,party,purpose,channel,caseReference,protocol,fields,outcome,referenceDate,subjectPseudonym,requestId\r\n"

    /// The record as one CSV line with its log index, each field made safe for a spreadsheet
    /// (``CSV/field(_:)``).
    public func csvLine(index: Int) -> String {
        let protocolText = protocolId.map { "\($0) v\(protocolVersion ?? 0)" } ?? ""
        return [
            String(index), at.description, clientId, party, purpose, channel.rawValue, caseReference, protocolText,
            fields.map(\.rawValue).joined(separator: " "), outcome.rawValue, referenceDate.description, subjectPseudonym, requestId,
        ].map(CSV.field).joined(separator: ",") + "\r\n"
    }
}
