public import Hummingbird
public import NIOCore

/// The request context of every route: the framework's storage plus the connection, so that the
/// exchange can read the client certificate of a mutual-TLS connection.
public struct KoppelingRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
