public import Hummingbird
public import KoppelingCore
public import NIOCore

/// A request context that carries the authenticated client of a request, once the access
/// middleware has established it.
public protocol ClientRequestContext: RequestContext {
    /// The connection the request came on (for the client certificate of mutual TLS).
    var channel: any Channel { get }
    /// The authenticated client, set by ``ClientAccessMiddleware``.
    var client: RegisteredClient? { get set }
    /// The request's id (the client's `X-Request-Id`, or one made for it), set by the tracing middleware.
    var requestId: String { get set }
    /// The request's W3C `traceparent`, when the client sent a valid one.
    var traceparent: String? { get set }
}

extension ClientRequestContext {
    /// The authenticated client of a route behind ``ClientAccessMiddleware`` with required roles.
    public func requireClient() throws -> RegisteredClient {
        guard let client else { throw Problem.unauthorized("this endpoint needs an authenticated client") }
        return client
    }
}

/// The request context of every route: the framework's storage, the connection (so that the
/// exchange can read the client certificate of a mutual-TLS connection) and the authenticated client.
public struct KoppelingRequestContext: ClientRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel
    public var client: RegisteredClient?
    public var requestId = ""
    public var traceparent: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
        self.client = nil
    }
}
