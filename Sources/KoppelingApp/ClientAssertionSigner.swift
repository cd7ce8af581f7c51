public import Crypto
import Foundation
import JWTKit

/// Signs client assertions for the token flow (`private_key_jwt`, RFC 7523) as a client system
/// does: for the demo's `curl` example and for operators trying a registration.
public enum ClientAssertionSigner {
    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var iat: IssuedAtClaim
        var exp: ExpirationClaim
        var jti: IDClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// A signed assertion (EdDSA) for a client, valid for `lifetime` seconds, with a fresh `jti`.
    public static func sign(key: Curve25519.Signing.PrivateKey, clientId: String, audience: String, lifetime: Int = 60) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: key))
        let now = Date()
        return try await keys.sign(Claims(
            iss: .init(value: clientId), sub: .init(value: clientId), aud: .init(value: [audience]), iat: .init(value: now),
            exp: .init(value: now.addingTimeInterval(Double(lifetime))), jti: .init(value: UUID().uuidString.lowercased())))
    }
}
