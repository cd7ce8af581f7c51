import GRDB
public import KoppelingStore

extension SQLiteRegisterStore: SchemaDescribing {
    public func describeSchema() async throws -> [StoreSchema.Table] {
        try await read { db in
            let names = try String.fetchAll(
                db,
                sql:
                    """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' \
                    ORDER BY name
                    """
            )
            return try names.map { name in
                let rows = try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", arguments: [name])
                let primaryKey = rows.filter { ($0[3] as Int) > 0 }.sorted { ($0[3] as Int) < ($1[3] as Int) }.map { $0[0] as String }
                let columns = rows.map { row in
                    // SQLite lets a non-integer primary key column hold NULL unless declared NOT NULL; the key
                    // columns are compared as not null, as the store never writes NULL there.
                    let nullable = (row[2] as Int) == 0 && (row[3] as Int) == 0
                    return StoreSchema.Column(row[0], Self.kind(row[1]), nullable: nullable)
                }
                return StoreSchema.Table(live: name, columns: columns, primaryKey: primaryKey)
            }
        }
    }

    static func kind(_ declared: String) -> StoreSchema.Kind {
        switch declared.uppercased() {
        case "INTEGER", "BIGINT": .integer
        case "BLOB": .blob
        default: .text
        }
    }
}
