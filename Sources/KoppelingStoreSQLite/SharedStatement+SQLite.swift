import Foundation
import GRDB
import KoppelingStore

extension SharedStatement {
    /// The arguments as GRDB binds them: by position, to `$1`, `$2`, ….
    var statementArguments: StatementArguments {
        StatementArguments(
            arguments.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .text(let text): text
                case .integer(let integer): integer
                case .bytes(let bytes): Data(bytes)
                case .null: nil
                }
            })
    }
}

extension SQLiteRegisterStore {
    static func execute(_ db: Database, _ statement: SharedStatement) throws {
        try db.execute(sql: statement.sql, arguments: statement.statementArguments)
    }

    static func rows(_ db: Database, _ statement: SharedStatement) throws -> [Row] {
        try Row.fetchAll(db, sql: statement.sql, arguments: statement.statementArguments)
    }

    static func strings(_ db: Database, _ statement: SharedStatement) throws -> [String] {
        try String.fetchAll(db, sql: statement.sql, arguments: statement.statementArguments)
    }

    static func int(_ db: Database, _ statement: SharedStatement) throws -> Int {
        try Int.fetchOne(db, sql: statement.sql, arguments: statement.statementArguments) ?? 0
    }

    /// `(seq, body)` rows of the notice table.
    static func notices(_ db: Database, _ statement: SharedStatement) throws -> [(sequence: Int, body: String)] {
        try rows(db, statement).map { (Int($0[0] as Int64), $0[1] as String) }
    }
}
