import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import KoppelingHTTP
import KoppelingStore
import Testing

/// Registers a client of a role and gets it an access token through the token service, as the
/// token endpoint does.
func accessToken(
    role: ClientRole, services: KoppelingServices, party: String = "test", sources: [String]? = nil
) async throws -> String {
    let key = Curve25519.Signing.PrivateKey()
    let id = "test-\(role.rawValue)-\(UUID().uuidString.prefix(8).lowercased())"
    try await services.exchange.store.registerClient(
        .init(
            id: id, party: party, name: "test \(role.rawValue)", role: role,
            assertionKey: key.publicKey.rawRepresentation.base64EncodedString(), certificateFingerprint: nil, ratePerMinute: 6000,
            sources: sources ?? (role == .agency ? ["agii", "abb", "kbi", "test"] : nil)))
    return try await services.tokens.issue(
        assertion: try await ClientAssertion.sign(key: key, clientId: id, audience: KoppelingConfiguration.forTests.tokenAudience)
    ).token
}

/// A test client that sends every request with a Bearer token, as an authenticated client system does.
struct AuthorizedTestClient: TestClientProtocol {
    let base: any TestClientProtocol
    let token: String

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        if headers[.authorization] == nil { headers[.authorization] = "Bearer \(token)" }
        return try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }

    var port: Int? { base.port }
}

/// A test's parties with their controllers' keys (which sign protocols) and their DPOs' keys
/// (which sign advice), registered in the store.
struct TestParties: Sendable {
    var controllers: [String: Curve25519.Signing.PrivateKey] = [:]
    var dpos: [String: Curve25519.Signing.PrivateKey] = [:]

    static func register(
        _ ids: [String] = ["agii", "dvz"], names: [String: String] = [:], in store: any ProtocolStore
    ) async throws -> TestParties {
        var parties = TestParties()
        for id in ids {
            let controller = Curve25519.Signing.PrivateKey()
            let dpo = Curve25519.Signing.PrivateKey()
            parties.controllers[id] = controller
            parties.dpos[id] = dpo
            try await store.registerParty(
                .init(
                    id: id, name: names[id] ?? id, publicKeys: [controller.publicKey.rawRepresentation.base64EncodedString()],
                    dpoKeys: [dpo.publicKey.rawRepresentation.base64EncodedString()]))
        }
        return parties
    }

    /// The party's DPO's advice on a version, signed.
    func advice(
        _ party: String, for document: ProtocolDocument, opinion: DPOAdvice.Opinion = .favourable, text: String = "ok",
        author: String = "dpo", date: LocalDate
    ) throws -> DPOAdvice {
        try DPOAdvice(party: party, opinion: opinion, text: text, date: date, author: author).signed(with: dpos[party]!, for: document)
    }

    /// Every party's controller's signature over a suspended version's reinstatement statement.
    func reinstatementSignatures(_ record: ProtocolRecord, reason: String) throws -> [ProtocolSignature] {
        let statement = Data(try #require(record.reinstatementStatement(reason: reason)))
        return try controllers.sorted { $0.key < $1.key }.map { party, key in
            ProtocolSignature(
                party: party, publicKey: key.publicKey.rawRepresentation.base64EncodedString(),
                signature: try key.signature(for: statement).base64EncodedString(), signedAt: Instant(microsecondsSinceEpoch: 0))
        }
    }

    /// Reinstates a suspended version with every party's signature.
    func reinstate(id: String, version: Int, reason: String, in registry: ProtocolRegistry) async throws {
        let record = try #require(try await registry.store.protocolRecord(id: id, version: version))
        _ = try await registry.reinstate(
            id: id, version: version, reason: reason, signatures: try reinstatementSignatures(record, reason: reason), actor: "test")
    }
}
