import Crypto
import Foundation
import JWTKit
public import KoppelingCore
public import KoppelingStore
import Synchronization

/// OAuth 2.0 client credentials with `private_key_jwt` (RFC 7523): checks a client's signed
/// assertion and issues short-lived access tokens signed by the server.
public struct TokenService: Sendable {
    /// The assertion's `aud` must be this, the token URL.
    public let audience: String
    /// How long an access token lives.
    public let lifetimeSeconds: Int
    /// The longest lifetime an assertion may claim.
    public let maxAssertionSeconds: Int
    let store: any ExchangeStore
    let clock: @Sendable () -> Instant
    /// Registered clients, read at least every second so that a removal or change takes effect.
    let clients = ExpiringCache<String, RegisteredClient?>(lifetime: .seconds(1))
    /// Access tokens whose signature verified, by their text.
    let verified = VerifiedTokens()
    /// How many verified tokens are remembered before the memory is cleared.
    static var maxVerifiedTokens: Int { 10_000 }

    final class VerifiedTokens: Sendable {
        struct Entry {
            var clientId: String
            var expires: Date
            var issuedAt: Instant
        }
        struct State {
            var tokens: [String: Entry] = [:]
        }
        let state = Mutex(State())

        func withLock<T>(_ body: (inout State) -> T) -> T {
            state.withLock { body(&$0) }
        }
    }

    /// The name of the server secret tokens are signed with.
    public static var secretName: String { "token-signing-key" }

    /// The server's token keys: the current one (read from the store at least every second, so
    /// that a rotation reaches every instance), and the one before it, which still verifies the
    /// tokens it signed for one token lifetime after this instance saw the rotation.
    final class Keyring: Sendable {
        struct Keys: Sendable {
            var secret: [UInt8]
            var current: JWTKeyCollection
            var previous: JWTKeyCollection?
            var previousUntil: Date
            var checked: Date
        }
        let keys = Mutex<Keys?>(nil)
    }
    let keyring = Keyring()

    public init(
        audience: String, store: any ExchangeStore, clock: @escaping @Sendable () -> Instant,
        lifetimeSeconds: Int = 300, maxAssertionSeconds: Int = 600
    ) {
        self.audience = audience
        self.store = store
        self.clock = clock
        self.lifetimeSeconds = lifetimeSeconds
        self.maxAssertionSeconds = maxAssertionSeconds
    }

    /// The keys now: read again from the store when last read a second or more ago.
    func tokenKeys(now: Date) async throws -> Keyring.Keys {
        if let known = keyring.keys.withLock({ $0 }), now.timeIntervalSince(known.checked) < 1 { return known }
        let secret = try await store.serverSecret(named: Self.secretName)
        let known = keyring.keys.withLock { $0 }
        if let known, known.secret == secret {
            return keyring.keys.withLock { keys in
                keys?.checked = now
                return keys ?? known
            }
        }
        let collection = await JWTKeyCollection().add(
            eddsa: EdDSA.PrivateKey(backing: try Curve25519.Signing.PrivateKey(rawRepresentation: secret)))
        let fresh = Keyring.Keys(
            secret: secret, current: collection, previous: known?.current,
            previousUntil: now.addingTimeInterval(Double(lifetimeSeconds)), checked: now)
        keyring.keys.withLock { $0 = fresh }
        return fresh
    }

    /// Why a token request or a token is refused.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    struct AccessToken: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        var jti: IDClaim
        var scope: String
        var party: String
        /// The issuing instant in microseconds (`iat` has whole seconds), compared with the
        /// client's ``RegisteredClient/tokensValidFrom``.
        var iatMicroseconds: Int64

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static let accessAudience = "koppeling-api"

    func now() -> Date {
        Date(timeIntervalSince1970: Double(clock().microsecondsSinceEpoch) / 1e6)
    }

    /// Checks a client assertion and returns an access token for the client.
    public func issue(assertion: String) async throws -> (token: String, client: RegisteredClient, expiresIn: Int) {
        let unverified: ClientAssertion
        do {
            unverified = try await JWTKeyCollection().unverified(assertion, as: ClientAssertion.self)
        } catch {
            throw Refusal(message: "the client assertion is not a JWT with iss, sub, aud, exp and jti")
        }
        // One answer for an unknown client, a client without a key and a wrong signature, so that the
        // endpoint does not tell which client ids exist.
        let notVerified = Refusal(
            message:
                """
                the client assertion could not be verified: unknown client, sub not iss, no registered key, or a signature that does \
                not verify
                """
        )
        guard let client = try await store.client(id: unverified.iss.value), client.isEnabled, unverified.sub.value == unverified.iss.value,
            let keyText = client.assertionKey, let raw = Data(base64Encoded: keyText),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw notVerified }
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PublicKey(backing: key))
        let verified: ClientAssertion
        do {
            verified = try await keys.verify(assertion, as: ClientAssertion.self)
        } catch {
            throw notVerified
        }
        guard verified.aud.value.contains(audience) else { throw Refusal(message: "the client assertion's aud is not \(audience)") }
        let now = now()
        guard verified.exp.value > now else { throw Refusal(message: "the client assertion has expired") }
        guard verified.exp.value.timeIntervalSince(now) <= Double(maxAssertionSeconds) else {
            throw Refusal(message: "the client assertion lives longer than \(maxAssertionSeconds) seconds")
        }
        let expiresAt = Instant(microsecondsSinceEpoch: Int64(verified.exp.value.timeIntervalSince1970 * 1e6))
        guard try await store.useTokenId(verified.jti.value, client: client.id, expiresAt: expiresAt) else {
            throw Refusal(message: "the client assertion's jti was used before")
        }
        let token = AccessToken(
            iss: "koppeling", sub: .init(value: client.id), aud: .init(value: [Self.accessAudience]),
            exp: .init(value: now.addingTimeInterval(Double(lifetimeSeconds))), iat: .init(value: now),
            jti: .init(value: UUID().uuidString),
            scope: client.role.rawValue, party: client.party, iatMicroseconds: clock().microsecondsSinceEpoch)
        return (try await tokenKeys(now: now).current.sign(token), client, lifetimeSeconds)
    }

    /// Checks an access token and returns its client, as registered now. A token whose signature
    /// was verified before is recognised by its exact text until it expires, so that a client
    /// making many requests with one token pays for the signature check once.
    public func authenticate(bearer token: String) async throws -> RegisteredClient {
        let now = now()
        let id: String
        let issuedAt: Instant
        if let known = verified.withLock({ $0.tokens[token] }), known.expires > now {
            id = known.clientId
            issuedAt = known.issuedAt
        } else {
            let payload = try await verify(token, now: now)
            guard payload.aud.value.contains(Self.accessAudience), payload.exp.value > now else {
                throw Refusal(message: "the access token has expired")
            }
            id = payload.sub.value
            issuedAt = Instant(microsecondsSinceEpoch: payload.iatMicroseconds)
            verified.withLock { state in
                if state.tokens.count >= Self.maxVerifiedTokens { state.tokens.removeAll(keepingCapacity: true) }
                state.tokens[token] = VerifiedTokens.Entry(clientId: id, expires: payload.exp.value, issuedAt: issuedAt)
            }
        }
        // One refusal for a client removed, disabled, or whose key was rotated after the token.
        guard let client = try await clients.value(for: id, load: { try await store.client(id: id) }),
            client.accepts(tokenIssuedAt: issuedAt)
        else {
            throw Refusal(message: "the access token is no longer valid for this client; request a new one")
        }
        return client
    }

    /// Verifies a token's signature with the current key, else with the previous one during its overlap.
    func verify(_ token: String, now: Date) async throws -> AccessToken {
        let keys = try await tokenKeys(now: now)
        if let payload = try? await keys.current.verify(token, as: AccessToken.self) { return payload }
        if let previous = keys.previous, now < keys.previousUntil, let payload = try? await previous.verify(token, as: AccessToken.self) {
            return payload
        }
        throw Refusal(message: "the access token is not valid")
    }
}
