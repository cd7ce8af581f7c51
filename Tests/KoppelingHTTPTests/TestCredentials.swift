import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import KoppelingApp
import KoppelingCore
import KoppelingHTTP
import KoppelingStore

/// A client assertion (RFC 7523) as a real client makes it.
struct ClientAssertion: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var jti: IDClaim
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    static func sign(
        _ key: Curve25519.Signing.PrivateKey, client: String, audience: String = KoppelingConfiguration.forTests.tokenAudience,
        expiresIn: TimeInterval = 60, jti: String = UUID().uuidString
    ) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: key))
        return try await keys.sign(ClientAssertion(
            iss: .init(value: client), sub: .init(value: client), aud: .init(value: [audience]),
            exp: .init(value: Date().addingTimeInterval(expiresIn)), jti: .init(value: jti)))
    }
}

/// Registers a client of a role and gets it an access token through the token service, as the
/// token endpoint does.
func accessToken(role: ClientRole, services: KoppelingServices, party: String = "test") async throws -> String {
    let key = Curve25519.Signing.PrivateKey()
    let id = "test-\(role.rawValue)-\(UUID().uuidString.prefix(8).lowercased())"
    try await services.exchange.store.registerClient(.init(
        id: id, party: party, name: "test \(role.rawValue)", role: role,
        assertionKey: key.publicKey.rawRepresentation.base64EncodedString(), certificateFingerprint: nil, ratePerMinute: 6000))
    return try await services.tokens.issue(assertion: try await ClientAssertion.sign(key, client: id)).token
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
