public import KoppelingStore
import PostgresNIO

extension PostgresRegisterStore: SchemaDescribing {
    public func describeSchema() async throws -> [StoreSchema.Table] {
        try await read { connection in
            var columns: [String: [StoreSchema.Column]] = [:]
            for row in try await Self.rows(
                connection,
                """
                SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name <> 'koppeling_migration' ORDER BY table_name, ordinal_position
                """, self.logger)
            {
                let (table, column, type, nullable) = try row.decode((String, String, String, String).self)
                let kind: StoreSchema.Kind =
                    switch type {
                    case "bigint", "integer", "smallint": .integer
                    case "bytea": .blob
                    default: .text
                    }
                columns[table, default: []].append(StoreSchema.Column(column, kind, nullable: nullable == "YES"))
            }
            var keys: [String: [String]] = [:]
            for row in try await Self.rows(
                connection,
                """
                SELECT tc.table_name::text, kcu.column_name::text FROM information_schema.table_constraints tc
                JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = \
                tc.table_schema
                WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema() ORDER BY tc.table_name, kcu.ordinal_position
                """, self.logger)
            {
                let (table, column) = try row.decode((String, String).self)
                keys[table, default: []].append(column)
            }
            return columns.keys.sorted().map { StoreSchema.Table(live: $0, columns: columns[$0] ?? [], primaryKey: keys[$0] ?? []) }
        }
    }
}
