import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import KoppelingHTTP
import KoppelingStore
import KoppelingStoreSQLite
import KoppelingTestSupport
import Testing

/// Hole 9 of issue 13: clients disabled, enabled and re-keyed, and the token key rotated, as the
/// command line does it, seen by another instance on the same database.
@Suite("Client administration (issue 13, hole 9)")
struct ClientAdministrationTests {
    static let today = LocalDate("2026-11-29")!
    static let audience = KoppelingConfiguration.forTests.tokenAudience

    /// Two instances (their own caches and token services) on one database.
    struct Instances {
        var store: any KoppelingStorage
        var a: KoppelingServices
        var b: KoppelingServices
    }

    func instances(_ backend: Backend) async throws -> Instances {
        let store = try await TestStores.open(backend)
        return Instances(
            store: store,
            a: try await KoppelingApp.services(store: store, configuration: .forTests, today: { Self.today }),
            b: try await KoppelingApp.services(store: store, configuration: .forTests, today: { Self.today }))
    }

    func register(_ store: any KoppelingStorage, key: Curve25519.Signing.PrivateKey) async throws -> String {
        let id = "agii-\(UUID().uuidString.prefix(8).lowercased())"
        try await store.registerClient(
            RegisteredClient(
                id: id, party: "agii", name: "intake", role: .agency, assertionKey: key.publicKey.rawRepresentation.base64EncodedString(),
                certificateFingerprint: nil, ratePerMinute: 600, sources: ["agii"]))
        return id
    }

    func token(_ services: KoppelingServices, _ id: String, _ key: Curve25519.Signing.PrivateKey) async throws -> String {
        try await services.tokens.issue(assertion: try await ClientAssertion.sign(key: key, clientId: id, audience: Self.audience)).token
    }

    /// What the command line does: the client after the change, stored.
    func administer(_ store: any KoppelingStorage, _ id: String, _ change: ClientAdministration) async throws {
        let client = try #require(try await store.client(id: id))
        try await store.updateClient(client.applying(change, at: Instant.systemNow(), by: "operator:tests", reason: "test"))
    }

    func accepted(_ services: KoppelingServices, _ token: String) async -> Bool {
        (try? await services.tokens.authenticate(bearer: token)) != nil
    }

    @Test(
        "a disabled client is refused on every instance within a second, gets no token, and after enabling needs a new one",
        arguments: TestStores.backends)
    func disableAndEnable(backend: Backend) async throws {
        let both = try await instances(backend)
        let key = Curve25519.Signing.PrivateKey()
        let id = try await register(both.store, key: key)
        let before = try await token(both.a, id, key)
        #expect(await accepted(both.b, before))
        try await administer(both.store, id, .disable)
        // Each instance reads a client again at least every second.
        try await Task.sleep(for: .milliseconds(1100))
        #expect(await !accepted(both.a, before))
        #expect(await !accepted(both.b, before))
        await #expect(throws: TokenService.Refusal.self) { _ = try await token(both.b, id, key) }
        try await administer(both.store, id, .enable)
        try await Task.sleep(for: .milliseconds(1100))
        #expect(await !accepted(both.b, before))
        let after = try await token(both.a, id, key)
        #expect(await accepted(both.b, after))
        let history = try #require(try await both.store.client(id: id)?.history)
        #expect(history.map(\.action) == ["disable", "enable"])
        #expect(history.allSatisfy { $0.by == "operator:tests" })
    }

    @Test(
        "after a key rotation the old key's assertions and the tokens issued before are refused; the new key works",
        arguments: TestStores.backends)
    func rotateKey(backend: Backend) async throws {
        let both = try await instances(backend)
        let old = Curve25519.Signing.PrivateKey()
        let id = try await register(both.store, key: old)
        let before = try await token(both.a, id, old)
        let new = Curve25519.Signing.PrivateKey()
        try await administer(both.store, id, .rotateKey(new.publicKey.rawRepresentation.base64EncodedString()))
        await #expect(throws: TokenService.Refusal.self) { _ = try await token(both.a, id, old) }
        try await Task.sleep(for: .milliseconds(1100))
        #expect(await !accepted(both.b, before))
        #expect(await accepted(both.b, try await token(both.a, id, new)))
    }

    @Test(
        "rotating the token key: every instance signs with the new key within a second and accepts the old key's tokens for the overlap",
        arguments: TestStores.backends)
    func rotateTokenKey(backend: Backend) async throws {
        let both = try await instances(backend)
        let key = Curve25519.Signing.PrivateKey()
        let id = try await register(both.store, key: key)
        let before = try await token(both.a, id, key)
        #expect(await accepted(both.b, before))
        let retired = try Curve25519.Signing.PrivateKey(
            rawRepresentation: try await both.store.serverSecret(named: TokenService.secretName)
        ).publicKey
        let newKey = try await SigningKey.token.rotate(in: both.store)
        #expect(newKey.rawRepresentation != retired.rawRepresentation)
        try await Task.sleep(for: .milliseconds(1100))
        let after = try await token(both.a, id, key)
        // The new token is signed by the new key: a JWS whose signature verifies with it.
        let parts = after.split(separator: ".")
        let signature = try #require(Data(base64URL: String(parts[2])))
        #expect(newKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8)))
        #expect(!retired.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8)))
        #expect(await accepted(both.b, after))
        // Tokens of the retired key still work during the overlap on instances that knew it.
        #expect(await accepted(both.b, before))
        #expect(try await both.store.retiredPublicKeys(named: TokenService.secretName).last == Array(retired.rawRepresentation))
    }
}
