public import Crypto
import Foundation
public import KoppelingCore

/// A batch file as stored.
public struct StoredBatch: Sendable, Hashable {
    public var id: String
    public var clientId: String
    public var createdAt: Instant
    public var firstSequence: Int
    public var lastSequence: Int
    public var recordCount: Int
    public var signedManifest: String

    public init(
        id: String, clientId: String, createdAt: Instant, firstSequence: Int, lastSequence: Int, recordCount: Int, signedManifest: String
    ) {
        self.id = id
        self.clientId = clientId
        self.createdAt = createdAt
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.recordCount = recordCount
        self.signedManifest = signedManifest
    }
}

/// What a new batch holds, as the writer makes it from the notices since the previous batch.
public struct NewBatch: Sendable {
    public var batch: StoredBatch
    public var file: String
    public var record: DisclosureRecord

    public init(batch: StoredBatch, file: String, record: DisclosureRecord) {
        self.batch = batch
        self.file = file
        self.record = record
    }
}

/// Where batch files are kept.
public protocol BatchStore: Sendable {
    /// In one transaction: reads a client's notices after its previous batch and the time of that
    /// batch, lets `make` build the new batch (nil when there is nothing to send), and stores it
    /// with its disclosure record.
    func createBatch(
        clientId: String, make: @escaping @Sendable (_ notices: [(sequence: Int, body: String)], _ previousAt: Instant?) throws -> NewBatch?
    ) async throws -> StoredBatch?

    /// A client's batches, oldest first.
    func batches(clientId: String) async throws -> [StoredBatch]

    /// A client's batch file and signed manifest.
    func batch(id: String, clientId: String) async throws -> (batch: StoredBatch, file: String)?

    /// The recipient clients with notices after their last batch, with the time of that batch, or
    /// for a client without one, of its first notice.
    func clientsWithPendingNotices() async throws -> [(clientId: String, since: Instant)]
}

/// Writes the batch files: every change notice of a client since its previous batch, as NDJSON,
/// with a manifest signed by the register's Ed25519 batch key.
public struct BatchWriter: Sendable {
    public let store: any BatchStore
    let key: Curve25519.Signing.PrivateKey
    /// Keys manifests were signed with before a rotation, oldest first.
    public let retiredKeys: [Curve25519.Signing.PublicKey]
    let clock: @Sendable () -> Instant
    let today: @Sendable () -> LocalDate
    /// Decides which notices may still go out through the batch channel when a file is written
    /// (the server always sets it; without it every notice goes in).
    public var screen: NoticeScreen?

    public init(
        store: any BatchStore, key: Curve25519.Signing.PrivateKey, retired: [Curve25519.Signing.PublicKey] = [],
        clock: @escaping @Sendable () -> Instant, today: @escaping @Sendable () -> LocalDate
    ) {
        self.retiredKeys = retired
        self.store = store
        self.key = key
        self.clock = clock
        self.today = today
    }

    /// The public key that verifies the manifests.
    public var publicKey: Curve25519.Signing.PublicKey { key.publicKey }

    /// Writes a batch for a client now; nil when it has no notices since its previous batch.
    public func run(client: RegisteredClient) async throws -> StoredBatch? {
        let key = key
        let now = clock()
        let day = today()
        let snapshot = try await screen?.snapshot(clientId: client.id)
        return try await store.createBatch(clientId: client.id) { pending, previousAt in
            // The notices that may go out now, up to the first held back; those passed over for
            // good are inside the file's sequence range but not in it.
            var notices = pending
            var lastSettled = pending.last?.sequence
            if let snapshot {
                let plan = snapshot.plan(pending, channel: .batch)
                notices = plan.deliver.map { pending[$0] }
                lastSettled = plan.lastSettled
            }
            guard let first = pending.first, let lastSequence = lastSettled, let last = notices.last else { return nil }
            let file = notices.map(\.body).joined(separator: "\n") + "\n"
            var protocolId: String?
            var protocolVersion: Int?
            if case .object(let members)? = try? JSONValue.parse(last.body), case .object(let proto)? = members["protocol"] {
                if case .string(let id)? = proto["id"] { protocolId = id }
                if case .integer(let version)? = proto["version"] { protocolVersion = Int(version) }
            }
            let id = UUID().uuidString.lowercased()
            let manifest = BatchManifest(
                batchId: id, clientId: client.id, protocolId: protocolId, protocolVersion: protocolVersion,
                periodStart: previousAt ?? Instant(microsecondsSinceEpoch: 0),
                periodEnd: now, firstSequence: first.sequence, lastSequence: lastSequence, recordCount: notices.count,
                sha256: SHA256.hash(data: Array(file.utf8)).lowercaseHex)
            let signed = try manifest.signed(with: key)
            let record = DisclosureRecord(
                disclosureId: UUID(), at: now, clientId: client.id, party: client.party, purpose: "", channel: .batch,
                caseReference: "batch:\(id)",
                protocolId: protocolId, protocolVersion: protocolVersion, fields: [], outcome: .batch, referenceDate: day,
                subjectPseudonym: "",
                requestId: "batch:\(id)", traceparent: nil)
            return NewBatch(
                batch: StoredBatch(
                    id: id, clientId: client.id, createdAt: now, firstSequence: first.sequence, lastSequence: lastSequence,
                    recordCount: notices.count, signedManifest: signed),
                file: file, record: record)
        }
    }

    /// The scheduled pass: a batch for every client with notices whose previous batch (or, for
    /// its first batch, whose first notice) is at least its interval old; `intervalDays` gives a
    /// client's interval (from its protocol), nil for a client without the batch channel.
    public func runDue(
        clients: (String) async throws -> RegisteredClient?, intervalDays: (RegisteredClient) async throws -> Int?
    ) async throws -> Int {
        var written = 0
        let now = clock()
        for (clientId, since) in try await store.clientsWithPendingNotices() {
            guard let client = try await clients(clientId), let days = try await intervalDays(client) else { continue }
            // A little slack, so that a daily pass an hour late does not skip a day.
            if now.microsecondsSinceEpoch - since.microsecondsSinceEpoch < Int64(days) * 86_400_000_000 - 3_600_000_000 { continue }
            if try await run(client: client) != nil { written += 1 }
        }
        return written
    }
}
