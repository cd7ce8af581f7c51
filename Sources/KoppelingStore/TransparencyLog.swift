public import Crypto
public import KoppelingCore
public import Logging

/// The transparency log of the disclosures: it issues signed checkpoints over the entries the
/// exchange appends, and verifies a whole stored log.
public struct TransparencyLog: Sendable {
    public let store: any TransparencyStore
    /// The log's origin, the first line of its checkpoints and the name of its key.
    public let origin: String
    let signer: NoteSigner
    /// The verifiers of keys the log signed with before a rotation, oldest first.
    public let retiredVerifiers: [NoteVerifier]
    let clock: @Sendable () -> Instant

    /// A log signing with `key`; checkpoints signed with the `retired` keys (public parts kept by
    /// key rotations) still verify.
    public init(
        store: any TransparencyStore, origin: String, key: Curve25519.Signing.PrivateKey, retired: [Curve25519.Signing.PublicKey] = [],
        clock: @escaping @Sendable () -> Instant
    ) {
        self.store = store
        self.origin = origin
        self.signer = NoteSigner(name: origin, key: key)
        self.retiredVerifiers = retired.map { NoteVerifier(name: origin, publicKey: $0) }
        self.clock = clock
    }

    /// The verifier of the checkpoints the log signs now.
    public var verifier: NoteVerifier { signer.verifier }

    /// The text of a note signed by the log's current key or by a retired one; nil otherwise.
    public func open(_ note: String) -> String? {
        for candidate in [verifier] + retiredVerifiers {
            if let text = candidate.open(note) { return text }
        }
        return nil
    }

    /// Issues a checkpoint if entries arrived since the latest; returns the latest.
    @discardableResult
    public func issueCheckpoint() async throws -> StoredCheckpoint? {
        let signer = signer
        let origin = origin
        return try await store.issueCheckpoint(at: clock()) { size, root in
            try signer.sign(Checkpoint(origin: origin, size: size, root: root).text)
        }
    }

    /// Issues checkpoints while entries arrive, every `interval`, until the task is cancelled. A
    /// failure is logged when it starts and when checkpoints resume (not once a second in between),
    /// and the next interval tries again.
    public func issueCheckpoints(every interval: Duration, logger: Logger) async {
        var failures = FailureStreak(task: "checkpoints", logger: logger)
        while !Task.isCancelled {
            do {
                try await issueCheckpoint()
                failures.succeeded()
            } catch {
                failures.failed(error)
            }
            try? await Task.sleep(for: interval)  // cancelled: the loop ends
        }
    }

    /// What `verify` found.
    public struct Verification: Sendable {
        public var entries = 0
        public var checkpoints = 0
        /// The first index where anything differs, and what.
        public var problem: (index: Int, message: String)?
    }

    /// Recomputes the whole tree from the stored entries, compares every stored node hash, and
    /// checks every stored checkpoint's root and signature; stops at the first difference.
    public func verify(progress: ((Int) -> Void)? = nil) async throws -> Verification {
        let checkpoints = try await store.checkpoints()
        var result = Verification()
        var frontier = MerkleFrontier()
        var nextCheckpoint = 0
        func checkCheckpoints(upTo size: Int) -> (Int, String)? {
            while nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].size <= size {
                let stored = checkpoints[nextCheckpoint]
                nextCheckpoint += 1
                result.checkpoints += 1
                guard stored.size == size else { return (stored.size - 1, "checkpoint for size \(stored.size) has no entries to match") }
                guard let text = open(stored.note) else {
                    return (size - 1, "checkpoint for size \(size): the signature does not verify with the log key or a retired one")
                }
                guard let checkpoint = Checkpoint(text: text), checkpoint.origin == origin, checkpoint.size == size else {
                    return (size - 1, "checkpoint for size \(size): not a checkpoint of this log and size")
                }
                guard checkpoint.root == frontier.root else {
                    return (size - 1, "checkpoint for size \(size): its root differs from the root of the stored entries 0..<\(size)")
                }
            }
            return nil
        }
        try await store.walkLog { storedIndex, entry, storedNodes in
            let index = frontier.size
            guard storedIndex == index else {
                result.problem = (
                    index,
                    storedIndex > index
                        ? "entry \(index) is missing (the next stored entry is \(storedIndex))"
                        : "entry \(storedIndex) is stored twice or out of order"
                )
                return false
            }
            let leaf = Merkle.leafHash(entry)
            let completed = frontier.append(leafHash: leaf)
            var matches = storedNodes.count == completed.count + 1 && storedNodes[0].level == 0 && storedNodes[0].hash == leaf
            if matches {
                for (stored, node) in zip(storedNodes.dropFirst(), completed) where stored.level != node.level || stored.hash != node.hash {
                    matches = false
                    break
                }
            }
            guard matches else {
                result.problem = (
                    index,
                    storedNodes.first?.hash != leaf
                        ? "entry \(index) differs from the entry the log recorded (its leaf hash changed)"
                        : "a stored node hash completed by entry \(index) differs"
                )
                return false
            }
            result.entries += 1
            if let problem = checkCheckpoints(upTo: index + 1) {
                result.problem = problem
                return false
            }
            if result.entries % 1_000_000 == 0 { progress?(result.entries) }
            return true
        }
        if result.problem == nil, nextCheckpoint < checkpoints.count {
            result.problem = (
                frontier.size, "checkpoint for size \(checkpoints[nextCheckpoint].size) is beyond the \(frontier.size) stored entries"
            )
        }
        return result
    }
}
