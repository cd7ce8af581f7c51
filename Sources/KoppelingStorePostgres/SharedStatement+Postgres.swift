import KoppelingStore
import Logging
import NIOCore
import PostgresNIO

extension SharedStatement {
    /// The statement as PostgresNIO sends it: the text as it is, the arguments bound to `$1`, `$2`, ….
    var query: PostgresQuery {
        var bindings = PostgresBindings()
        for value in arguments {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let integer): bindings.append(integer)
            case .bytes(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            case .null: bindings.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}

extension PostgresRegisterStore {
    /// `(seq, body)` rows of the notice table.
    static func notices(
        _ connection: PostgresConnection, _ statement: SharedStatement, _ logger: Logger
    ) async throws -> [(sequence: Int, body: String)] {
        try await rows(connection, statement.query, logger).map { row in
            let (seq, body) = try row.decode((Int64, String).self)
            return (Int(seq), body)
        }
    }
}
