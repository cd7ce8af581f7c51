public import KoppelingCore

/// A file imported into the register (a KBI answer, an NDJSON file of events): who, when, how
/// much, from the provenance its events carry.
public struct ImportedFile: Sendable, Hashable {
    /// The SHA-256 of the file, hexadecimal.
    public var digest: String
    /// Who imported it (`client:ID`, `operator:NAME`, `console:USER`).
    public var recordedBy: String
    /// When its first stored event was recorded.
    public var at: Instant
    /// Its stored events (those that were new; events already present carry their first file).
    public var events: Int
    /// The persons they are about (national numbers, digits).
    public var persons: Set<String>

    public init(digest: String, recordedBy: String, at: Instant, events: Int, persons: Set<String>) {
        self.digest = digest
        self.recordedBy = recordedBy
        self.at = at
        self.events = events
        self.persons = persons
    }
}

extension StoreSQL {
    /// The latest events that came from an imported file, newest first: what the import history
    /// is made of, read backwards along the events' order so it stops after `limit` rows.
    public static func recentImportedEvents(limit: Int) -> SharedStatement {
        SharedStatement(
            "SELECT import_digest, recorded_by, recorded_at, insz FROM event WHERE import_digest IS NOT NULL ORDER BY seq DESC LIMIT $1",
            [limit])
    }
}

extension ImportedFile {
    /// The files of the latest imported events (newest first, as ``StoreSQL/recentImportedEvents(limit:)``
    /// gives them), newest file first, at most `files`.
    public static func grouping(
        _ rows: [(digest: String, recordedBy: String, recordedAt: Int64, insz: String)], files: Int
    ) -> [ImportedFile] {
        var order: [String] = []
        var found: [String: ImportedFile] = [:]
        for row in rows {
            let key = row.digest + "\n" + row.recordedBy
            if var file = found[key] {
                file.events += 1
                file.persons.insert(row.insz)
                file.at = min(file.at, Instant(microsecondsSinceEpoch: row.recordedAt))
                found[key] = file
            } else {
                guard order.count < files else { continue }
                order.append(key)
                found[key] = ImportedFile(
                    digest: row.digest, recordedBy: row.recordedBy, at: Instant(microsecondsSinceEpoch: row.recordedAt), events: 1,
                    persons: [row.insz])
            }
        }
        return order.compactMap { found[$0] }
    }
}
