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

    /// Every table of the register that a copy moves, parents before children (``StoreSchema``).
    public static let all: [CopiedTable] = StoreSchema.tables.filter(\.copied).map { table in
        CopiedTable(
            name: table.name, columns: table.columns.map(\.name).filter { !table.notCopied.contains($0) }, key: table.copyKey)
    }
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
