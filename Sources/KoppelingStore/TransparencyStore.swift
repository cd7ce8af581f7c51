public import KoppelingCore

/// A checkpoint as stored: its size, when it was issued, and the signed note.
public struct StoredCheckpoint: Sendable, Hashable {
    public var size: Int
    public var at: Instant
    public var note: String

    public init(size: Int, at: Instant, note: String) {
        self.size = size
        self.at = at
        self.note = note
    }
}

/// One entry of the transparency log.
public struct LogEntry: Sendable, Hashable {
    /// Its index, from 0.
    public var index: Int
    /// The entry's bytes: the canonical JSON of a disclosure record.
    public var entry: String
    public var leafHash: [UInt8]

    public init(index: Int, entry: String, leafHash: [UInt8]) {
        self.index = index
        self.entry = entry
        self.leafHash = leafHash
    }
}

/// What a DPO may search disclosure records by.
public struct DisclosureFilter: Sendable, Hashable {
    public var clientId: String?
    public var party: String?
    public var purpose: String?
    public var outcome: String?
    /// Records at or after this instant.
    public var from: Instant?
    /// Records before this instant.
    public var to: Instant?

    public init(
        clientId: String? = nil, party: String? = nil, purpose: String? = nil, outcome: String? = nil, from: Instant? = nil,
        to: Instant? = nil
    ) {
        self.clientId = clientId
        self.party = party
        self.purpose = purpose
        self.outcome = outcome
        self.from = from
        self.to = to
    }

    /// The stored sequence number after which a page starts, for the log index `after` (the
    /// sequence is the index plus one); saturating, so that no value a client sends overflows.
    public static func sequence(after index: Int?) -> Int64 {
        guard let index else { return 0 }
        guard index >= 0 else { return 0 }
        return index >= Int(Int64.max) - 1 ? Int64.max : Int64(index) + 1
    }
}

/// The transparency log over the disclosure records: entry `i` is the record stored `i`-th,
/// appended in the same transaction as the record (`ExchangeStore.appendDisclosures`), with the
/// hashes of the perfect subtrees it completes and the checkpoints issued over it.
public protocol TransparencyStore: Sendable {
    /// The number of entries.
    func logSize() async throws -> Int

    /// Entries `start ..< end`.
    func logEntries(start: Int, end: Int) async throws -> [LogEntry]

    /// The root of the first `size` entries.
    func logRoot(size: Int) async throws -> [UInt8]

    /// The inclusion proof of entry `index` in the tree of `size` entries.
    func inclusionProof(index: Int, size: Int) async throws -> [[UInt8]]

    /// The consistency proof between the trees of `from` and `to` entries.
    func consistencyProof(from: Int, to: Int) async throws -> [[UInt8]]

    /// Issues a checkpoint over every entry if the latest one does not cover them all; returns the
    /// latest checkpoint either way (nil for an empty log). `sign` makes the signed note.
    func issueCheckpoint(
        at: Instant, sign: @escaping @Sendable (_ size: Int, _ root: [UInt8]) throws -> String
    ) async throws -> StoredCheckpoint?

    /// The latest checkpoint.
    func latestCheckpoint() async throws -> StoredCheckpoint?

    /// The checkpoint issued for a tree size, if one was.
    func checkpoint(size: Int) async throws -> StoredCheckpoint?

    /// Every checkpoint, smallest first.
    func checkpoints() async throws -> [StoredCheckpoint]

    /// The disclosure records about one person, by the pseudonym of their national number, with
    /// their log indexes, oldest first.
    func disclosures(subject: String) async throws -> [(index: Int, record: DisclosureRecord, entry: String)]

    /// Disclosure records matching a filter, after a log index, oldest first.
    func searchDisclosures(_ filter: DisclosureFilter, after: Int?, limit: Int) async throws -> [(index: Int, record: DisclosureRecord)]

    /// Walks the whole log in order for verification: every entry (its bytes valid during the
    /// call only) with the stored node hashes it completed, in the order `MerkleFrontier`
    /// completes them, streaming (it may block the calling thread).
    func walkLog(
        _ body: (_ storedIndex: Int, _ entry: UnsafeRawBufferPointer, _ storedNodes: [(level: Int, hash: [UInt8])]) throws -> Bool)
        async throws
}
