/// One stored value, the same on every backend (SQLite's storage classes, PostgreSQL's types).
public enum StoredCell: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

/// A table `koppeling copy` moves as it is, with the columns it copies (never a backend's own row
/// numbers, which the target assigns again in the same order) and the unique key that orders it.
public struct CopiedTable: Sendable, Hashable {
    public var name: String
    public var columns: [String]
    public var key: [String]

    /// Every table of the register, parents before children; used token ids are not copied
    /// (they expire within the hour) and neither are webhook leases.
    public static let all: [CopiedTable] = [
        .init(name: "server_secret", columns: ["name", "secret"], key: ["name"]),
        .init(name: "party", columns: ["id", "name"], key: ["id"]),
        .init(name: "party_key", columns: ["party", "public_key", "kind"], key: ["party", "public_key"]),
        .init(name: "protocol_version", columns: ["id", "version", "state", "record"], key: ["id", "version"]),
        .init(name: "client", columns: ["id", "party", "record"], key: ["id"]),
        .init(
            name: "event",
            columns: ["event_id", "insz", "type", "effective_date", "recorded_at", "source", "data", "recorded_by", "import_digest"],
            key: ["seq"]),
        .init(
            name: "disclosure", columns: ["seq", "disclosure_id", "at", "client", "party", "outcome", "subject", "record"], key: ["seq"]),
        .init(name: "log_node", columns: ["last_leaf", "level", "hash"], key: ["last_leaf", "level"]),
        .init(name: "log_checkpoint", columns: ["size", "at", "note"], key: ["size"]),
        .init(name: "follow", columns: ["id", "client", "insz", "until", "ended_at", "record"], key: ["position"]),
        .init(name: "notice", columns: ["client", "seq", "follow_id", "at", "body"], key: ["client", "seq"]),
        .init(name: "notice_sweep", columns: ["day", "at", "notices"], key: ["day"]),
        .init(name: "webhook", columns: ["client", "record"], key: ["client"]),
        .init(name: "batch", columns: ["id", "client", "created_at", "first_seq", "last_seq", "count", "file", "manifest"], key: ["id"]),
    ]
}

/// A store whose tables can be read out as they are, page by page in key order.
public protocol RegisterExporting: Sendable {
    /// Up to `limit` rows of a table after the row whose key values are `after` (from the start
    /// when nil), each with the table's columns and then its key values.
    func exportRows(of table: CopiedTable, after: [StoredCell]?, limit: Int) async throws -> [[StoredCell]]
}

/// A store that can take a whole register as it is, into an empty database.
public protocol RegisterImporting: Sendable {
    /// Copies every table from `source` in one transaction: all or nothing. Refused unless this
    /// register is empty.
    func importRegister(from source: any RegisterExporting) async throws
}
