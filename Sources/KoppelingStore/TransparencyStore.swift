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
/// A count of disclosure records: those of one UTC month (`YYYY-MM`), client, party, purpose and
/// outcome.
public struct DisclosureVolume: Sendable, Hashable {
    public var month: String
    public var clientId: String
    public var party: String
    public var purpose: String
    public var outcome: String
    public var count: Int

    public init(month: String, clientId: String, party: String, purpose: String, outcome: String, count: Int) {
        self.month = month
        self.clientId = clientId
        self.party = party
        self.purpose = purpose
        self.outcome = outcome
        self.count = count
    }
}

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

    /// Runs a Merkle computation over the stored tree in one read: `compute` is given the log's
    /// size and the stored perfect subtrees. The queries below are written once on top of it.
    func readTree<T: Sendable>(_ compute: @escaping @Sendable (_ logSize: Int, _ perfect: Merkle.PerfectHash) throws -> T) async throws -> T

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

    /// The latest `limit` records about a person, oldest first, and how many there are in all.
    func latestDisclosures(
        subject: String, limit: Int
    ) async throws -> (total: Int, latest: [(index: Int, record: DisclosureRecord, entry: String)])

    /// Disclosure records matching a filter, after a log index, oldest first.
    func searchDisclosures(_ filter: DisclosureFilter, after: Int?, limit: Int) async throws -> [(index: Int, record: DisclosureRecord)]

    /// How many records match a filter, per UTC month, client, party, purpose and outcome.
    func disclosureVolumes(_ filter: DisclosureFilter) async throws -> [DisclosureVolume]

    /// Walks the whole log in order for verification: every entry (its bytes valid during the
    /// call only) with the stored node hashes it completed, in the order `MerkleFrontier`
    /// completes them, streaming (it may block the calling thread).
    func walkLog(
        _ body: (_ storedIndex: Int, _ entry: UnsafeRawBufferPointer, _ storedNodes: [(level: Int, hash: [UInt8])]) throws -> Bool)
        async throws
}

extension TransparencyStore {
    /// Runs a computation over the first `size` entries, refusing sizes beyond the log.
    func withTree<T: Sendable>(size: Int, _ compute: @escaping @Sendable (Merkle.PerfectHash) throws -> T) async throws -> T {
        try await readTree { logSize, perfect in
            guard size <= logSize else { throw StoreError.notFound("the log has fewer than \(size) entries") }
            return try compute(perfect)
        }
    }

    /// The root of the first `size` entries.
    public func logRoot(size: Int) async throws -> [UInt8] {
        try await withTree(size: size) { perfect in try Merkle.root(size: size, perfect: perfect) }
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries.
    /// The inclusion proofs of several entries in the tree of `size` entries, read in one pass.
    public func inclusionProofs(indexes: [Int], size: Int) async throws -> [[[UInt8]]] {
        for index in indexes where index < 0 || index >= size {
            throw StoreError.notFound("index \(index) is not in a tree of \(size) entries")
        }
        return try await withTree(size: size) { perfect in
            // Proofs of neighbouring entries share most of their subtrees: each is read once.
            var known: [Int: [UInt8]] = [:]
            func once(_ level: Int, _ index: Int) throws -> [UInt8] {
                let key = index << 6 | level
                if let hash = known[key] { return hash }
                let hash = try perfect(level, index)
                known[key] = hash
                return hash
            }
            return try indexes.map { try Merkle.inclusionProof(index: $0, size: size, perfect: once) }
        }
    }

    public func inclusionProof(index: Int, size: Int) async throws -> [[UInt8]] {
        guard index >= 0, index < size else { throw StoreError.notFound("index \(index) is not in a tree of \(size) entries") }
        return try await withTree(size: size) { perfect in try Merkle.inclusionProof(index: index, size: size, perfect: perfect) }
    }

    /// The consistency proof between the trees of `from` and `to` entries.
    public func consistencyProof(from: Int, to: Int) async throws -> [[UInt8]] {
        guard from >= 0, from <= to else { throw StoreError.notFound("no consistency proof from \(from) to \(to)") }
        return try await withTree(size: to) { perfect in try Merkle.consistencyProof(from: from, to: to, perfect: perfect) }
    }
}

/// What issuing a checkpoint does, decided from the latest one and the log's size: a checkpoint
/// covers every entry, each is larger than the one before, and an empty log has none.
public enum CheckpointPlan: Sendable, Hashable {
    /// No new checkpoint: the latest (nil for an empty log) already covers the log.
    case current(StoredCheckpoint?)
    /// A new checkpoint over `size` entries.
    case issue(size: Int)

    public init(latest: StoredCheckpoint?, logSize size: Int) {
        if let latest, latest.size >= size {
            self = .current(latest)
        } else if size == 0 {
            self = .current(nil)
        } else {
            self = .issue(size: size)
        }
    }
}
