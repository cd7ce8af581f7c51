public import Hummingbird

/// The request context the console needs: the request's id and `traceparent` as the tracing
/// middleware settled them, so that a page view's transparency-log record names the same request
/// as the server's request log.
public protocol ConsoleRequestContext: RequestContext {
    var requestId: String { get }
    var traceparent: String? { get }
}
