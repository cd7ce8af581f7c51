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

/// The context of a route behind ``ClientAccessMiddleware``: the client the middleware
/// authenticated is always there, so a handler never checks for it. Made from the parent context
/// when a request enters an authenticated route group; without a client it is a 401.
public struct AuthenticatedRequestContext<Parent: ClientRequestContext>: ChildRequestContext {
    public typealias ParentContext = Parent
    public var coreContext: CoreRequestContextStorage
    /// The authenticated client.
    public let client: RegisteredClient
    /// The request's id, set by the tracing middleware.
    public let requestId: String
    /// The request's W3C `traceparent`, when the client sent a valid one.
    public let traceparent: String?

    public init(context: Parent) throws {
        guard let client = context.client else { throw Problem.unauthorized("this endpoint needs an authenticated client") }
        self.coreContext = context.coreContext
        self.client = client
        self.requestId = context.requestId
        self.traceparent = context.traceparent
    }
}
