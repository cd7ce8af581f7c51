/// The rows that appending disclosure records to the transparency log writes, planned from the
/// log's size and frontier: each record's entry with its sequence number, and each entry's leaf
/// hash with the hashes of the perfect subtrees it completes, and what the records add to the
/// disclosure counters (``DisclosureTally``). Both backends write exactly these rows, in the
/// transaction that stores the records.
public struct LogAppendPlan: Sendable {
    /// A log entry: the record at `sequence` (its index plus one), as the canonical JSON `text`.
    public struct Entry: Sendable {
        public var sequence: Int64
        public var record: DisclosureRecord
        public var text: String
    }

    /// A stored node: keyed by the last leaf it covers and its level (the leaf itself is level 0).
    public struct Node: Sendable, Hashable {
        public var lastLeaf: Int64
        public var level: Int64
        public var hash: [UInt8]
    }

    public private(set) var entries: [Entry] = []
    public private(set) var nodes: [Node] = []
    /// What the records add to the disclosure counters.
    public private(set) var tallies: [DisclosureTally.Increment] = []

    /// The rows for appending `records` to a log of `size` entries whose frontier is `frontier`;
    /// the frontier is advanced past them.
    public init(appending records: [DisclosureRecord], toSize size: Int, frontier: inout MerkleFrontier) {
        for (offset, record) in records.enumerated() {
            let text = record.canonicalJSON
            entries.append(Entry(sequence: Int64(size + offset + 1), record: record, text: text))
            nodes += Self.nodes(index: size + offset, entry: Array(text.utf8), frontier: &frontier)
        }
        tallies = DisclosureTally.increments(records)
    }

    /// The node rows of entry `index` with bytes `entry`: its leaf hash and every perfect
    /// subtree it completes.
    public static func nodes(index: Int, entry: [UInt8], frontier: inout MerkleFrontier) -> [Node] {
        let leaf = Merkle.leafHash(entry)
        let lastLeaf = Int64(index)
        return [Node(lastLeaf: lastLeaf, level: 0, hash: leaf)]
            + frontier.append(leafHash: leaf).map { Node(lastLeaf: lastLeaf, level: Int64($0.level), hash: $0.hash) }
    }
}
