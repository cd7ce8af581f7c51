public import KoppelingStore
import NIOCore
import PostgresNIO

extension PostgresRegisterStore: RegisterImporting {
    public func importRegister(from source: any RegisterExporting) async throws {
        try await transaction { connection in
            for table in CopiedTable.all {
                guard try await Self.int(connection, PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(table.name)"), self.logger) == 0
                else {
                    throw StoreError.unavailable(
                        "the target register is not empty (table \(table.name) has rows): copy into a new database")
                }
            }
            for table in CopiedTable.all {
                // Rows per statement, within PostgreSQL's 65,535 parameters.
                let limit = 60_000 / table.columns.count
                var after: [StoredCell]?
                while true {
                    let rows = try await source.exportRows(of: table, after: after, limit: limit)
                    guard let last = rows.last else { break }
                    try await self.insert(rows, into: table, connection)
                    after = Array(last.suffix(table.key.count))
                }
            }
        }
    }

    /// Inserts exported rows (the table's columns, then its key) in one statement.
    func insert(_ rows: [[StoredCell]], into table: CopiedTable, _ connection: PostgresConnection) async throws {
        var bindings = PostgresBindings(capacity: rows.count * table.columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for row in rows {
            var marks: [String] = []
            for cell in row.prefix(table.columns.count) {
                switch cell {
                case .null: bindings.appendNull()
                case .integer(let number): bindings.append(number)
                case .text(let text): bindings.append(text)
                case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
                }
                marks.append("$\(bindings.count)")
            }
            tuples.append("(" + marks.joined(separator: ", ") + ")")
        }
        let sql = "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES " + tuples.joined(separator: ", ")
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
    }
}
