/// The register's schema, described once: every table with its columns, their kinds and whether
/// they may be null, and its primary key. Each backend writes its own DDL (its migrations), and a
/// contract test reads each backend's live schema and checks it against this description, so the
/// two cannot drift; `koppeling copy` takes its table list from here.
public enum StoreSchema {
    /// The kind of a column, as both backends store it (SQLite's storage classes; PostgreSQL's
    /// BIGINT and INTEGER, TEXT, BYTEA).
    public enum Kind: String, Sendable, Hashable {
        case integer
        case text
        case blob
    }

    /// A column.
    public struct Column: Sendable, Hashable, CustomStringConvertible {
        public var name: String
        public var kind: Kind
        public var nullable: Bool

        public init(_ name: String, _ kind: Kind, nullable: Bool = false) {
            self.name = name
            self.kind = kind
            self.nullable = nullable
        }

        public var description: String { "\(name) \(kind.rawValue)\(nullable ? " null" : "")" }
    }

    /// A table: its columns and primary key, as both backends must have them.
    public struct Table: Sendable, Hashable {
        public var name: String
        public var columns: [Column]
        public var primaryKey: [String]
        /// A row number the backend assigns in insertion order (SQLite's rowid, PostgreSQL's
        /// identity column), which orders the rows but is never copied: the target numbers again.
        public var rowNumber: String?
        /// The unique key that orders a copy (the row number where there is one).
        public var copyKey: [String]
        /// Columns a copy leaves out (a webhook's lease belongs to the instance that held it).
        public var notCopied: Set<String>
        /// Whether `koppeling copy` moves the table (used token ids expire within the hour).
        public var copied: Bool

        /// A table as a backend reads it from its live schema: every column, row numbers included.
        public init(live name: String, columns: [Column], primaryKey: [String]) {
            self.init(name, columns, primaryKey: primaryKey)
        }

        init(
            _ name: String, _ columns: [Column], primaryKey: [String], rowNumber: String? = nil, copyKey: [String]? = nil,
            notCopied: Set<String> = [], copied: Bool = true
        ) {
            self.name = name
            self.columns = columns
            self.primaryKey = primaryKey
            self.rowNumber = rowNumber
            self.copyKey = copyKey ?? primaryKey
            self.notCopied = notCopied
            self.copied = copied
        }
    }

    /// Every table, parents before children.
    public static let tables: [Table] = [
        Table("server_secret", [Column("name", .text), Column("secret", .blob)], primaryKey: ["name"]),
        Table("party", [Column("id", .text), Column("name", .text)], primaryKey: ["id"]),
        Table(
            "party_key", [Column("party", .text), Column("public_key", .text), Column("kind", .text)], primaryKey: ["party", "public_key"],
            rowNumber: "position"),
        Table(
            "protocol_version", [Column("id", .text), Column("version", .integer), Column("state", .text), Column("record", .text)],
            primaryKey: ["id", "version"]),
        Table("client", [Column("id", .text), Column("party", .text), Column("record", .text)], primaryKey: ["id"]),
        Table(
            "used_token_id", [Column("jti", .text), Column("client", .text), Column("expires_at", .integer)], primaryKey: ["jti"],
            copied: false),
        Table(
            "event",
            [
                Column("event_id", .text), Column("insz", .text), Column("type", .text), Column("effective_date", .text),
                Column("recorded_at", .integer), Column("source", .text), Column("data", .text), Column("recorded_by", .text),
                Column("import_digest", .text, nullable: true),
            ], primaryKey: ["seq"], rowNumber: "seq", copyKey: ["seq"]),
        Table(
            "disclosure",
            [
                Column("seq", .integer), Column("disclosure_id", .text), Column("at", .integer), Column("client", .text),
                Column("party", .text), Column("outcome", .text), Column("subject", .text, nullable: true), Column("record", .text),
            ], primaryKey: ["seq"]),
        Table(
            "log_node", [Column("last_leaf", .integer), Column("level", .integer), Column("hash", .blob)],
            primaryKey: ["last_leaf", "level"]),
        Table("log_checkpoint", [Column("size", .integer), Column("at", .integer), Column("note", .text)], primaryKey: ["size"]),
        Table(
            "pending_decision",
            [Column("id", .text), Column("state", .text), Column("proposed_at", .integer), Column("record", .text)], primaryKey: ["id"]),
        // Derived from the events: a copy computes it again (the first refresh on the target).
        Table(
            "person_status",
            [
                Column("insz", .text), Column("status", .text), Column("since", .text, nullable: true), Column("as_of", .text),
                Column("review_on", .text, nullable: true), Column("agency", .text, nullable: true),
                Column("municipality", .text, nullable: true), Column("open_since", .text, nullable: true),
                Column("term_ends_on", .text, nullable: true), Column("open_kinds", .text), Column("fines", .integer),
                Column("postponement_review", .integer),
            ], primaryKey: ["insz"], copied: false),
        Table(
            "disclosure_tally",
            [
                Column("grain", .text), Column("period", .text), Column("client", .text), Column("party", .text),
                Column("purpose", .text), Column("outcome", .text), Column("count", .integer),
            ], primaryKey: ["grain", "period", "client", "party", "purpose", "outcome"]),
        Table(
            "follow",
            [
                Column("id", .text), Column("client", .text), Column("insz", .text), Column("until", .text),
                Column("ended_at", .integer, nullable: true), Column("record", .text),
            ], primaryKey: ["position"], rowNumber: "position", copyKey: ["position"]),
        Table(
            "notice",
            [Column("client", .text), Column("seq", .integer), Column("follow_id", .text), Column("at", .integer), Column("body", .text)],
            primaryKey: ["client", "seq"]),
        Table("notice_sweep", [Column("day", .text), Column("at", .integer), Column("notices", .integer)], primaryKey: ["day"]),
        Table(
            "webhook",
            [
                Column("client", .text), Column("record", .text), Column("lease_owner", .text, nullable: true),
                Column("lease_until", .integer, nullable: true),
            ], primaryKey: ["client"], notCopied: ["lease_owner", "lease_until"]),
        Table(
            "batch",
            [
                Column("id", .text), Column("client", .text), Column("created_at", .integer), Column("first_seq", .integer),
                Column("last_seq", .integer), Column("count", .integer), Column("file", .text), Column("manifest", .text),
            ], primaryKey: ["id"]),
        Table(
            "console_user",
            [Column("name", .text), Column("state", .text), Column("enrolment_digest", .text, nullable: true), Column("record", .text)],
            primaryKey: ["name"]),
        // Sessions stay with the register they were made on: after a copy, users sign in again.
        Table(
            "console_session",
            [
                Column("digest", .text), Column("user_name", .text), Column("created_at", .integer), Column("last_seen_at", .integer),
                Column("csrf_token", .text),
            ], primaryKey: ["digest"], copied: false),
    ]
}

/// A store that can describe its live schema, for the check against ``StoreSchema``.
public protocol SchemaDescribing: Sendable {
    /// Every table of the register as it is: all its columns (row numbers included) and its primary key.
    func describeSchema() async throws -> [StoreSchema.Table]
}
