public import AsyncHTTPClient
import Crypto
import Foundation
import JWTKit
public import KoppelingCore
import KoppelingStore
import NIOCore
import NIOHTTP1
import Synchronization

/// Sign-in through the organisation's OpenID Connect provider (production): the authorization
/// code flow with PKCE (S256), `state` and `nonce`, a confidential client authenticated with its
/// secret (`client_secret_basic`), and the ID token's signature checked against the provider's
/// published keys. The provider's role claim gives the user's roles through a map set by the
/// operator; a user without a mapped role is refused.
///
/// What the browser must bring back (`state`, `nonce`, the PKCE verifier) travels in a short-lived
/// cookie sealed with AES-GCM under a register key, so that any instance on one register can
/// finish a sign-in another began.
public struct OIDCSignIn: Sendable {
    /// The provider and this client's registration with it.
    public struct Settings: Sendable, Hashable {
        /// The issuer, as the provider's discovery document names it (`https://idp.example`).
        public var issuer: String
        public var clientId: String
        public var clientSecret: String
        public var roles: ConsoleUser.ProviderRoleMap

        public init(issuer: String, clientId: String, clientSecret: String, roles: ConsoleUser.ProviderRoleMap) {
            self.issuer = issuer
            self.clientId = clientId
            self.clientSecret = clientSecret
            self.roles = roles
        }
    }

    /// Why a sign-in through the provider did not succeed.
    public enum Refusal: Error, Sendable, Hashable {
        /// The browser came back without the sign-in it began here, or too late.
        case transactionNotValid
        /// The provider said no, or answered what this client cannot use.
        case providerRefused(String)
        /// The ID token failed a check (signature, issuer, audience, expiry, nonce).
        case tokenNotValid(String)
        /// The provider's claim maps to no role of the console.
        case noRole
        /// An operator disabled the user.
        case disabled
    }

    public let settings: Settings
    /// Where the provider sends the browser back: `PUBLIC-ADDRESS/console/oidc/terug`, as
    /// registered with the provider.
    public let redirectURI: String
    let authenticator: ConsoleAuthenticator
    let key: SymmetricKey
    let client: HTTPClient
    let provider = Cache()

    /// The discovery document and keys, fetched once (the keys again when a token names another).
    final class Cache: Sendable {
        let state = Mutex<(endpoints: Endpoints?, keys: JWTKeyCollection?)>((nil, nil))
    }

    struct Endpoints: Sendable, Decodable {
        var issuer: String
        var authorization_endpoint: String
        var token_endpoint: String
        var jwks_uri: String
    }

    /// How long a begun sign-in may take at the provider.
    public static let transactionSeconds: Int64 = 600

    public init(
        settings: Settings, redirectURI: String, authenticator: ConsoleAuthenticator, secret: [UInt8], client: HTTPClient = .shared
    ) {
        self.settings = settings
        self.redirectURI = redirectURI
        self.authenticator = authenticator
        self.key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), info: Data("koppeling console oidc transaction".utf8), outputByteCount: 32)
        self.client = client
    }

    // MARK: - The flow

    /// Begins a sign-in: the provider's address to send the browser to, and the sealed
    /// transaction for the cookie.
    public func begin() async throws -> (location: String, transaction: String) {
        let endpoints = try await self.endpoints()
        let state = ConsoleUserAdministration.newToken()
        let nonce = ConsoleUserAdministration.newToken()
        let verifier = ConsoleUserAdministration.newToken()
        let challenge = Data(SHA256.hash(data: Array(verifier.utf8))).base64URL
        let expires = authenticator.clock().microsecondsSinceEpoch + Self.transactionSeconds * 1_000_000
        let sealed = try AES.GCM.seal(Data([state, nonce, verifier, String(expires)].joined(separator: " ").utf8), using: key)
        guard var address = URLComponents(string: endpoints.authorization_endpoint) else {
            throw Refusal.providerRefused("the authorization endpoint is not an address")
        }
        address.queryItems =
            (address.queryItems ?? []) + [
                URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: settings.clientId),
                URLQueryItem(name: "redirect_uri", value: redirectURI), URLQueryItem(name: "scope", value: "openid profile"),
                URLQueryItem(name: "state", value: state), URLQueryItem(name: "nonce", value: nonce),
                URLQueryItem(name: "code_challenge", value: challenge), URLQueryItem(name: "code_challenge_method", value: "S256"),
            ]
        guard let location = address.string else { throw Refusal.providerRefused("the authorization endpoint is not an address") }
        return (location, sealed.combined!.base64URL)
    }

    /// Finishes a sign-in with what the provider sent back: a session for the user (created on
    /// the first sign-in, roles replaced by the provider's every time).
    public func finish(code: String, state: String, transaction: String) async throws -> (token: String, session: ConsoleSession) {
        guard let bytes = Data(base64URL: transaction), let box = try? AES.GCM.SealedBox(combined: bytes),
            let plain = try? AES.GCM.open(box, using: key)
        else { throw Refusal.transactionNotValid }
        let parts = String(decoding: plain, as: UTF8.self).split(separator: " ").map(String.init)
        guard parts.count == 4, let expires = Int64(parts[3]), authenticator.clock().microsecondsSinceEpoch < expires,
            tokensEqual(state, parts[0])
        else { throw Refusal.transactionNotValid }
        let (nonce, verifier) = (parts[1], parts[2])
        let endpoints = try await self.endpoints()
        let idToken = try await exchange(code: code, verifier: verifier, at: endpoints.token_endpoint)
        let claims = try await verify(idToken, issuer: endpoints.issuer, nonce: nonce)
        guard case .string(let subject)? = claims["sub"], !subject.isEmpty else { throw Refusal.tokenNotValid("no subject") }
        let roles = settings.roles.roles(claims[settings.roles.claim])
        guard !roles.isEmpty else { throw Refusal.noRole }
        let name = ConsoleUser.providerName(issuer: endpoints.issuer, subject: subject)
        do {
            return try await authenticator.signInThroughProvider(name: name, roles: roles)
        } catch ConsoleUser.Refusal.disabled {
            throw Refusal.disabled
        }
    }

    // MARK: - The provider

    func endpoints() async throws -> Endpoints {
        if let known = provider.state.withLock({ $0.endpoints }) { return known }
        let address = settings.issuer.hasSuffix("/") ? String(settings.issuer.dropLast()) : settings.issuer
        let body = try await get(address + "/.well-known/openid-configuration")
        guard let endpoints = try? JSONDecoder().decode(Endpoints.self, from: body) else {
            throw Refusal.providerRefused("the discovery document is not one")
        }
        // OpenID Connect Discovery 1.0, section 4.3: the issuer must be the one asked.
        guard endpoints.issuer == address || endpoints.issuer == settings.issuer else {
            throw Refusal.providerRefused("the discovery document names another issuer: \(endpoints.issuer)")
        }
        provider.state.withLock { $0.endpoints = endpoints }
        return endpoints
    }

    func keys(refresh: Bool) async throws -> JWTKeyCollection {
        if !refresh, let known = provider.state.withLock({ $0.keys }) { return known }
        let body = try await get(try await endpoints().jwks_uri)
        let keys = try await JWTKeyCollection().add(jwksJSON: String(decoding: body, as: UTF8.self))
        provider.state.withLock { $0.keys = keys }
        return keys
    }

    func get(_ address: String) async throws -> Data {
        var request = HTTPClientRequest(url: address)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw Refusal.providerRefused("\(address) answered \(response.status.code)") }
        return Data(body.readableBytesView)
    }

    /// Trades the code for tokens; the ID token.
    func exchange(code: String, verifier: String, at address: String) async throws -> String {
        var form = URLComponents()
        form.queryItems = [
            URLQueryItem(name: "grant_type", value: "authorization_code"), URLQueryItem(name: "code", value: code),
            URLQueryItem(name: "redirect_uri", value: redirectURI), URLQueryItem(name: "code_verifier", value: verifier),
        ]
        var request = HTTPClientRequest(url: address)
        request.method = .POST
        let credentials = Data("\(Self.formEncoded(settings.clientId)):\(Self.formEncoded(settings.clientSecret))".utf8)
        request.headers.add(name: "Authorization", value: "Basic " + credentials.base64EncodedString())
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let encoded = (form.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        request.body = .bytes(ByteBuffer(string: encoded))
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            throw Refusal.providerRefused("the token endpoint answered \(response.status.code): \(String(buffer: body).prefix(200))")
        }
        guard case .object(let answer)? = try? JSONValue.parse(String(buffer: body)), case .string(let idToken)? = answer["id_token"] else {
            throw Refusal.providerRefused("the token endpoint's answer has no id_token")
        }
        return idToken
    }

    struct IDToken: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var nonce: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    /// The ID token's claims once its signature, issuer, audience, expiry and nonce check out.
    func verify(_ token: String, issuer: String, nonce: String) async throws -> [String: JSONValue] {
        var verified: IDToken
        do {
            verified = try await keys(refresh: false).verify(token, as: IDToken.self)
        } catch {
            // The provider may have rolled its keys since they were fetched.
            do {
                verified = try await keys(refresh: true).verify(token, as: IDToken.self)
            } catch {
                throw Refusal.tokenNotValid("signature or expiry: \(error)")
            }
        }
        guard verified.iss.value == issuer else { throw Refusal.tokenNotValid("issuer \(verified.iss.value)") }
        guard verified.aud.value.contains(settings.clientId) else { throw Refusal.tokenNotValid("audience") }
        guard let given = verified.nonce, tokensEqual(given, nonce) else {
            throw Refusal.tokenNotValid("nonce")
        }
        let segments = token.split(separator: ".")
        guard segments.count == 3, let payload = Data(base64URL: String(segments[1])),
            case .object(let claims)? = try? JSONValue.parse(String(decoding: payload, as: UTF8.self))
        else { throw Refusal.tokenNotValid("payload") }
        return claims
    }

    // MARK: - Encoding

    /// RFC 6749 section 2.3.1: the client id and secret are form-encoded before Basic.
    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
