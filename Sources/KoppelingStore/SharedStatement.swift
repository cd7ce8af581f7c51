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
        // SQLite reads `$n` as a name and numbers names by first appearance, so the numbers must
        // first appear in order for both dialects to bind alike.
        assert(Self.numbersFirstAppearInOrder(sql), "parameters of a shared statement must first appear as $1, $2, … in order: \(sql)")
        self.sql = sql
        self.arguments = arguments.map(\.sqlValue)
    }

    /// A statement written with `?` for each parameter, numbered `$1`, `$2`, … in order of
    /// appearance: for SQL put together from optional conditions. The SQL must hold no other `?`.
    public static func numbering(_ sql: String, _ arguments: [any SQLValueConvertible]) -> SharedStatement {
        var number = 0
        var text = ""
        for character in sql {
            if character == "?" {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        precondition(number == arguments.count, "\(number) placeholders for \(arguments.count) arguments: \(sql)")
        return SharedStatement(text, arguments)
    }

    /// Whether the parameters `$1`, `$2`, … first appear in that order.
    static func numbersFirstAppearInOrder(_ sql: String) -> Bool {
        var next = 1
        var seen = Set<Int>()
        let bytes = Array(sql.utf8)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "$") else {
                index += 1
                continue
            }
            var end = index + 1
            var number = 0
            while end < bytes.count, bytes[end] >= 48, bytes[end] <= 57 {
                number = number * 10 + Int(bytes[end] - 48)
                end += 1
            }
            if end > index + 1, !seen.contains(number) {
                guard number == next else { return false }
                seen.insert(number)
                next += 1
            }
            index = end
        }
        return true
    }

    /// The same statement with a suffix to its SQL (a row lock that only one dialect needs).
    public func appending(_ suffix: String) -> SharedStatement {
        var copy = self
        copy.sql += " " + suffix
        return copy
    }
}
