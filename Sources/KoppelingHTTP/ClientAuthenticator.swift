import Crypto
import Foundation
public import Hummingbird
public import KoppelingCore
public import KoppelingStore
public import NIOCore
import NIOSSL

/// Finds the client of a request: by its Bearer access token, else by the certificate of its
/// mutual-TLS connection.
public struct ClientAuthenticator: Sendable {
    public let tokens: TokenService
    public let store: any ExchangeStore
    /// Clients by certificate fingerprint, read at least every second.
    let byFingerprint = ExpiringCache<String, RegisteredClient?>(lifetime: .seconds(1))

    public init(tokens: TokenService, store: any ExchangeStore) {
        self.tokens = tokens
        self.store = store
    }

    /// The SHA-256 fingerprint of the client certificate of a mutual-TLS connection, if any.
    static func peerCertificateFingerprint(_ channel: any Channel) async -> String? {
        // The handler is read on the channel's event loop, where it lives; only the channel crosses.
        let der: [UInt8]? =
            try? await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate?.toDERBytes()
            }.get() ?? nil
        guard let der else { return nil }
        return SHA256.hash(data: der).lowercaseHex
    }

    /// The client of a request, or nil when it brings no credentials at all. Credentials that are
    /// there but not valid are refused with a 401 problem.
    public func client(of request: Request, channel: any Channel) async throws -> RegisteredClient? {
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer ") else {
                throw Problem.unauthorized("only Bearer access tokens from POST /oauth/token are accepted")
            }
            do {
                return try await tokens.authenticate(bearer: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            } catch let refusal as TokenService.Refusal {
                throw Problem.unauthorized(refusal.message)
            }
        }
        guard let fingerprint = await Self.peerCertificateFingerprint(channel) else { return nil }
        guard
            let registered = try await byFingerprint.value(
                for: fingerprint, load: { try await store.client(certificateFingerprint: fingerprint) }),
            registered.isEnabled
        else {
            throw Problem.unauthorized("the client certificate is not registered for any enabled client")
        }
        return registered
    }
}

/// Authenticates the client of every request of a route group and lets through only the roles
/// given; with no roles, credentials are optional (public routes that show more to some clients).
public struct ClientAccessMiddleware<Context: ClientRequestContext>: RouterMiddleware {
    public let authenticator: ClientAuthenticator
    /// The roles allowed; nil for a public route.
    public let roles: Set<ClientRole>?
    /// Each authenticated client's budget of requests.
    public let limits: RequestLimits?

    public init(_ authenticator: ClientAuthenticator, roles: Set<ClientRole>?, limits: RequestLimits? = nil) {
        self.authenticator = authenticator
        self.roles = roles
        self.limits = limits
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.client = try await authenticator.client(of: request, channel: context.channel)
        if let roles {
            guard let client = context.client else {
                throw Problem.unauthorized(
                    "send an access token from POST /oauth/token as Authorization: Bearer, or use a registered client certificate")
            }
            guard roles.contains(client.role) else {
                throw Problem(
                    status: .forbidden, type: Problem.typeURI("role-not-allowed"), title: "This client's role may not use this endpoint",
                    detail:
                        """
                        the client's role is \(client.role.rawValue); this endpoint needs \
                        \(roles.map(\.rawValue).sorted().joined(separator: " or "))
                        """
                )
            }
            try await limits?.take(client)
        }
        return try await next(request, context)
    }
}
