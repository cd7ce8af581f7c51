public import KoppelingCore

public import struct Foundation.UUID

/// Where clients, used token ids, disclosure records and server secrets are kept.
public protocol ExchangeStore: Sendable {
    /// Registers a client; its id must be new.
    func registerClient(_ client: RegisteredClient) async throws

    /// Replaces the registration of a client (its keys, certificate, rate), keeping its id.
    func updateClient(_ client: RegisteredClient) async throws

    /// A registered client.
    func client(id: String) async throws -> RegisteredClient?

    /// Every registered client, by id.
    func clients() async throws -> [RegisteredClient]

    /// The client registered with a certificate fingerprint (SHA-256, lowercase hexadecimal).
    func client(certificateFingerprint: String) async throws -> RegisteredClient?

    /// Marks a token id (`jti`) as used until it expires; false if it was used already.
    func useTokenId(_ jti: String, client: String, expiresAt: Instant) async throws -> Bool

    /// Stores disclosure records durably, in one transaction, before their answers are sent.
    func appendDisclosures(_ records: [DisclosureRecord]) async throws

    /// The disclosure records of a client, newest last.
    func disclosures(client: String) async throws -> [DisclosureRecord]

    /// A named secret of this server, created on first use (32 random bytes).
    func serverSecret(named name: String) async throws -> [UInt8]

    /// Replaces a named secret by a new random one in one transaction, keeping `retiredPublicKey`
    /// (the public part of the key being retired, never the secret, which is gone) so that what
    /// it signed still verifies; returns the new secret.
    func rotateServerSecret(named name: String, retiredPublicKey: [UInt8]) async throws -> [UInt8]

    /// The public keys kept by the rotations of a named secret, oldest first.
    func retiredPublicKeys(named name: String) async throws -> [[UInt8]]
}

/// Where the follow lists are kept. Enrolling and ending are disclosures: each is stored with its
/// disclosure record (and so its log entry) in one transaction.
public protocol FollowStore: Sendable {
    /// Stores a new follow and its disclosure record.
    func insertFollow(_ follow: Follow, record: DisclosureRecord) async throws

    /// Stores many new follows with their records in one transaction (bulk enrolment, benchmarks).
    func insertFollows(_ follows: [(follow: Follow, record: DisclosureRecord)]) async throws

    /// Ends a client's follow and stores the disclosure record of the ending; nil if the client has
    /// no such follow, the follow as it was if it had ended already (nothing is stored then).
    func endFollow(id: UUID, clientId: String, at: Instant, record: DisclosureRecord) async throws -> (follow: Follow, ended: Bool)?

    /// One of a client's follows.
    func follow(id: UUID, clientId: String) async throws -> Follow?

    /// A client's follows in creation order, after a cursor (the position of the last one listed).
    func follows(clientId: String, after cursor: Int?, limit: Int) async throws -> [(position: Int, follow: Follow)]
}

/// How long the register remembers a used token id (`jti`).
public enum UsedTokenIds {
    /// Ids whose token expired before this (microseconds since the epoch) are forgotten when
    /// another is marked used: an hour after expiry, beyond any clock skew a token's expiry is
    /// checked with, so that a token can never be replayed while it would still be accepted.
    public static func forgottenBefore(_ now: Instant) -> Int64 {
        now.microsecondsSinceEpoch - 3_600_000_000
    }
}
