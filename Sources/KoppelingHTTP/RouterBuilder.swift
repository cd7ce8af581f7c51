public import Hummingbird
public import KoppelingCore
public import KoppelingStore

/// Builds the router of the Koppeling server.
public enum KoppelingRouter {
    /// What the routes serve.
    public struct Services: Sendable {
        public var register: Register
        public var protocols: ProtocolRegistry
        public var exchange: ExchangeService
        public var tokens: TokenService

        public init(register: Register, protocols: ProtocolRegistry, exchange: ExchangeService, tokens: TokenService) {
            self.register = register
            self.protocols = protocols
            self.exchange = exchange
            self.tokens = tokens
        }
    }

    /// The router with every route of the server.
    public static func build(services: Services, today: @escaping @Sendable () -> LocalDate) -> Router<KoppelingRequestContext> {
        let register = services.register
        let protocols = services.protocols
        let router = Router(context: KoppelingRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.get("/health/live") { _, _ in
            Response.json(#"{"status":"live"}"#)
        }
        RegisterController<KoppelingRequestContext>(register: register, today: today).addRoutes(to: router.group("v1/register"))
        ProtocolController<KoppelingRequestContext>(registry: protocols, today: today).addRoutes(to: router.group("v1/protocols"))
        ExchangeController(tokens: services.tokens, exchange: services.exchange).addRoutes(to: router)
        return router
    }
}
