public import Hummingbird
public import KoppelingCore
public import KoppelingStore

/// Builds the router of the Koppeling server.
public enum KoppelingRouter {
    /// The router with every route of the server.
    public static func build(register: Register, protocols: ProtocolRegistry, today: @escaping @Sendable () -> LocalDate) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.get("/health/live") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"live\"}")))
        }
        RegisterController<BasicRequestContext>(register: register, today: today).addRoutes(to: router.group("v1/register"))
        ProtocolController<BasicRequestContext>(registry: protocols, today: today).addRoutes(to: router.group("v1/protocols"))
        return router
    }
}
