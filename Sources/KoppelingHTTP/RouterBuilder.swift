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
        public var workList: WorkListService
        public var tokens: TokenService
        public var transparency: TransparencyLog
        public var webhooks: any WebhookStore
        public var batches: BatchWriter
        public var metrics: ServerMetrics
        /// Each client's budget of requests a minute, by role.
        public var limits: RequestLimits
        /// Where webhooks may be sent.
        public var webhookPolicy: WebhookAddressPolicy

        public init(
            register: Register, protocols: ProtocolRegistry, exchange: ExchangeService, workList: WorkListService, tokens: TokenService,
            transparency: TransparencyLog,
            webhooks: any WebhookStore, batches: BatchWriter, metrics: ServerMetrics,
            limits: RequestLimits = RequestLimits(perMinute: RequestLimits.standardPerMinute),
            webhookPolicy: WebhookAddressPolicy = WebhookAddressPolicy(allowsLocal: false)
        ) {
            self.webhookPolicy = webhookPolicy
            self.limits = limits
            self.metrics = metrics
            self.webhooks = webhooks
            self.batches = batches
            self.register = register
            self.protocols = protocols
            self.exchange = exchange
            self.workList = workList
            self.tokens = tokens
            self.transparency = transparency
        }
    }

    /// Who may use which routes. Public: health, metrics, the OpenAPI document, the token endpoint and
    /// published protocols. Everything else needs an authenticated client of an allowed role, and a
    /// recipient never reads the register directly.
    public enum Access {
        public static let registerWrites: Set<ClientRole> = [.agency]
        public static let registerReads: Set<ClientRole> = [.agency, .staff]
        public static let protocolWorkflow: Set<ClientRole> = [.staff]
        public static let exchange: Set<ClientRole> = [.recipient]
        public static let logEntries: Set<ClientRole> = [.staff]
        public static let audit: Set<ClientRole> = [.staff]
        public static let citizen: Set<ClientRole> = [.citizenPortal]
        public static let administration: Set<ClientRole> = [.staff]
        public static let enforcement: Set<ClientRole> = [.enforcement]
    }

    /// The router with every route of the server.
    public static func build(services: Services, today: @escaping @Sendable () -> LocalDate) -> Router<KoppelingRequestContext> {
        typealias Context = KoppelingRequestContext
        let authenticator = ClientAuthenticator(tokens: services.tokens, store: services.exchange.store)
        func access(_ roles: Set<ClientRole>?) -> ClientAccessMiddleware<Context> {
            ClientAccessMiddleware(authenticator, roles: roles, limits: services.limits)
        }

        let router = Router(context: Context.self)
        /// A group of routes that only clients of `roles` reach, whose handlers get the authenticated client.
        func authenticated(_ path: RouterPath, _ roles: Set<ClientRole>) -> RouterGroup<AuthenticatedRequestContext<Context>> {
            router.group(path).add(middleware: access(roles)).group(context: AuthenticatedRequestContext<Context>.self)
        }
        router.add(middleware: RequestTracingMiddleware(metrics: services.metrics))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware())
        router.get("/health/live") { _, _ in
            Response.json(#"{"status":"live"}"#)
        }
        router.get("/health/ready") { _, _ in
            try await Readiness.check(services)
        }
        router.get("/metrics") { _, _ in
            let text = try await services.metrics.render(
                log: services.transparency, webhooks: services.webhooks, notices: services.register.store, now: services.exchange.clock())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        RegisterController<Context>(register: services.register, exchange: services.exchange, today: today).addRoutes(
            writes: authenticated("v1/register", Access.registerWrites),
            reads: authenticated("v1/register", Access.registerReads))
        ProtocolController<Context>(registry: services.protocols, today: today).addRoutes(
            public: router.group("v1/protocols"),
            staff: authenticated("v1/protocols", Access.protocolWorkflow))
        TokenController<Context>(tokens: services.tokens).addRoutes(to: router)
        let recipients = authenticated("v1/exchange", Access.exchange)
        let lookups = LookupController<Context>(exchange: services.exchange, limiter: services.limits.limiter)
        lookups.addRoutes(to: recipients)
        FollowController(exchange: services.exchange, lookups: lookups).addRoutes(to: recipients)
        NoticeFeedController<Context>(exchange: services.exchange, webhooks: services.webhooks).addRoutes(to: recipients)
        BatchFileController<Context>(exchange: services.exchange, batches: services.batches).addRoutes(to: recipients)
        let transparency = TransparencyController<Context>(
            log: services.transparency, pseudonymizer: services.exchange.pseudonymizer, exchange: services.exchange)
        transparency.addRoutes(
            public: router.group("v1/transparency"),
            entries: authenticated("v1/transparency", Access.logEntries),
            audit: authenticated("v1/audit", Access.audit),
            citizen: authenticated("v1/citizen", Access.citizen))
        StaffController<Context>(exchange: services.exchange, webhooks: services.webhooks, policy: services.webhookPolicy)
            .addRoutes(to: authenticated("v1/staff", Access.administration))
        EnforcementController<Context>(workList: services.workList, exchange: services.exchange)
            .addRoutes(to: authenticated("v1/enforcement", Access.enforcement))
        return router
    }
}
