import Foundation
import GRDB
public import KoppelingStore

extension SQLiteRegisterStore: RegisterExporting {
    public func exportRows(of table: CopiedTable, after: [StoredCell]?, limit: Int) async throws -> [[StoredCell]] {
        let keys = table.key.joined(separator: ", ")
        var sql = "SELECT \((table.columns + table.key).joined(separator: ", ")) FROM \(table.name)"
        var arguments: [DatabaseValue] = []
        if let after {
            sql += " WHERE (\(keys)) > (\(Array(repeating: "?", count: after.count).joined(separator: ", ")))"
            arguments = after.map(Self.databaseValue)
        }
        sql += " ORDER BY \(keys) LIMIT \(limit)"
        let statementArguments = StatementArguments(arguments)
        let query = sql
        return try await read { db in
            try Row.fetchAll(db, sql: query, arguments: statementArguments).map { row in
                (0..<row.count).map { Self.cell(row[$0] as DatabaseValue) }
            }
        }
    }

    static func cell(_ value: DatabaseValue) -> StoredCell {
        switch value.storage {
        case .null: .null
        case .int64(let number): .integer(number)
        case .double(let number): .integer(Int64(number))
        case .string(let text): .text(text)
        case .blob(let data): .blob(Array(data))
        }
    }

    static func databaseValue(_ cell: StoredCell) -> DatabaseValue {
        switch cell {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }
}
