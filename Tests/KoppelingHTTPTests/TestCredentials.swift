import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import KoppelingHTTP
import KoppelingStore

/// Registers a client of a role and gets it an access token through the token service, as the
/// token endpoint does.
func accessToken(
    role: ClientRole, services: KoppelingServices, party: String = "test", sources: [String]? = nil
) async throws -> String {
    let key = Curve25519.Signing.PrivateKey()
    let id = "test-\(role.rawValue)-\(UUID().uuidString.prefix(8).lowercased())"
    try await services.exchange.store.registerClient(.init(
        id: id, party: party, name: "test \(role.rawValue)", role: role,
        assertionKey: key.publicKey.rawRepresentation.base64EncodedString(), certificateFingerprint: nil, ratePerMinute: 6000,
        sources: sources ?? (role == .agency ? ["agii", "abb", "kbi", "test"] : nil)))
    return try await services.tokens.issue(assertion: try await ClientAssertion.sign(key: key, clientId: id, audience: KoppelingConfiguration.forTests.tokenAudience)).token
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
