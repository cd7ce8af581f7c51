public import Crypto
public import Foundation
public import JWTKit

/// A client assertion for the token flow (`private_key_jwt`, RFC 7523): `iss` = `sub` = the
/// client id, `aud` = the token URL, `exp`, a `jti` used once, and optionally `iat`. The token
/// endpoint checks it; clients (the demo's `curl` example, the tests) make it with `sign`.
public struct ClientAssertion: JWTPayload {
    public var iss: IssuerClaim
    public var sub: SubjectClaim
    public var aud: AudienceClaim
    public var exp: ExpirationClaim
    public var jti: IDClaim
    public var iat: IssuedAtClaim?

    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// A signed assertion (EdDSA) for a client, valid for `lifetime` seconds from now (negative
    /// for one that has expired), with a fresh `jti` unless one is given.
    public static func sign(
        key: Curve25519.Signing.PrivateKey, clientId: String, audience: String, lifetime: Int = 60,
        jti: String = UUID().uuidString.lowercased()
    ) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: key))
        let now = Date()
        return try await keys.sign(
            ClientAssertion(
                iss: .init(value: clientId), sub: .init(value: clientId), aud: .init(value: [audience]),
                exp: .init(value: now.addingTimeInterval(Double(lifetime))), jti: .init(value: jti), iat: .init(value: now)))
    }
}
