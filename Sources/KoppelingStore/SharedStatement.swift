/// A value bound to a statement parameter, in the types both backends store.
public enum SQLValue: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case bytes([UInt8])
    case null
}

/// A type that binds to a statement parameter.
public protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
}

extension Int: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int64: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self) }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { map(\.sqlValue) ?? .null }
}

/// A statement that both backends run as it is: SQL that SQLite and PostgreSQL read alike, with
/// numbered parameters (`$1`, `$2`, …, which both bind by position), and its arguments in order.
/// `StoreSQL` holds every such statement, so that a query both backends make is written once.
public struct SharedStatement: Sendable, Hashable {
    public var sql: String
    public var arguments: [SQLValue]

    public init(_ sql: String, _ arguments: [any SQLValueConvertible] = []) {
        self.sql = sql
        self.arguments = arguments.map(\.sqlValue)
    }

    /// The same statement with a suffix to its SQL (a row lock that only one dialect needs).
    public func appending(_ suffix: String) -> SharedStatement {
        var copy = self
        copy.sql += " " + suffix
        return copy
    }
}
