import Crypto
public import Foundation
public import Hummingbird
import HummingbirdCore
public import HummingbirdTLS
public import KoppelingConsole
public import KoppelingCore
public import KoppelingHTTP
public import KoppelingStore
import KoppelingStorePostgres
import KoppelingStoreSQLite
public import Logging
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// The composition root: opens the store and builds the register and the application, for
/// `main` and for the tests alike.
public enum KoppelingApp {
    /// Opens the register of a configuration (SQLite for now).
    public static func openRegister(_ configuration: KoppelingConfiguration) async throws -> Register {
        try await open(configuration).register
    }

    /// Opens the store a configuration names: PostgreSQL for a `postgres://` address, otherwise
    /// the SQLite file at that path. Either is migrated on opening.
    public static func openStore(_ configuration: KoppelingConfiguration) async throws -> any KoppelingStorage {
        if PostgresRegisterStore.isPostgresURL(configuration.databasePath) {
            return try await PostgresRegisterStore(url: configuration.databasePath)
        }
        return try SQLiteRegisterStore(path: configuration.databasePath)
    }

    /// Opens the store of a configuration once and builds every service over it.
    public static func open(_ configuration: KoppelingConfiguration) async throws -> KoppelingServices {
        let store = try await openStore(configuration)
        return try await services(
            store: store, configuration: configuration, today: KoppelingConfiguration.todayClock(in: configuration.timeZone))
    }

    /// Every service over one store; `limiter` holds the request budgets (a test may give one
    /// whose clock it moves).
    public static func services(
        store: any KoppelingStorage, configuration: KoppelingConfiguration, today: @escaping @Sendable () -> LocalDate,
        limiter: RateLimiter = RateLimiter()
    ) async throws -> KoppelingServices {
        let clock = Instant.systemNow
        let register = Register(
            store: store, engine: configuration.engine, allowsTestNumbers: configuration.allowsTestNumbers,
            agencies: configuration.agencies, today: today)
        let protocols = ProtocolRegistry(store: store, clock: clock)
        let pseudonymizer = Pseudonymizer(secret: try await store.serverSecret(named: "pseudonym-key"))
        let logKey = try Curve25519.Signing.PrivateKey(rawRepresentation: try await store.serverSecret(named: SigningKey.log.secretName))
        let retiredLogKeys = try await store.retiredPublicKeys(named: SigningKey.log.secretName).map(
            Curve25519.Signing.PublicKey.init(rawRepresentation:))
        let batchKey = try Curve25519.Signing.PrivateKey(
            rawRepresentation: try await store.serverSecret(named: SigningKey.batch.secretName))
        let retiredBatchKeys = try await store.retiredPublicKeys(named: SigningKey.batch.secretName).map(
            Curve25519.Signing.PublicKey.init(rawRepresentation:))
        let metrics = ServerMetrics()
        let consoleSecret = try await store.serverSecret(named: "console-handle-key")
        let transparency = TransparencyLog(
            store: store, origin: configuration.logOrigin, key: logKey, retired: retiredLogKeys, clock: clock)
        let consoleAuthenticator = ConsoleAuthenticator(
            store: store, clock: clock,
            limits: .init(idleSeconds: Int64(configuration.consoleIdleSeconds), absoluteSeconds: Int64(configuration.consoleSessionSeconds))
        )
        let exchange = ExchangeService(
            register: register, protocols: protocols, store: store, pseudonymizer: pseudonymizer, clock: clock, today: today,
            recorded: metrics.recorded,
            unknownPurpose: { metrics.unknownPurpose(party: $0) })
        var webhooks = WebhookDispatcher(store: store, clock: clock, send: WebhookSender(policy: configuration.webhookPolicy).send)
        webhooks.screen = exchange.noticeScreen
        var batches = BatchWriter(store: store, key: batchKey, retired: retiredBatchKeys, clock: clock, today: today)
        batches.screen = exchange.noticeScreen
        let workList = WorkListService(
            register: register, approvals: store, termHorizonDays: configuration.termEndingDays,
            approvalAboveEUR: configuration.fineApprovalAboveEUR, clock: clock)
        return KoppelingServices(
            register: register, protocols: protocols, exchange: exchange, workList: workList,
            tokens: TokenService(audience: configuration.tokenAudience, store: store, clock: clock),
            transparency: transparency,
            webhooks: webhooks, batches: batches, metrics: metrics, webhookPolicy: configuration.webhookPolicy,
            limits: RequestLimits(perMinute: configuration.requestsPerMinute, limiter: limiter),
            consoleUsers: ConsoleUserAdministration(store: store, clock: clock),
            consoleAuthenticator: consoleAuthenticator,
            consoleHandles: PersonHandle.Sealer(secret: consoleSecret),
            consoleOIDC: configuration.oidc.map {
                OIDCSignIn(
                    settings: $0, redirectURI: configuration.publicBaseURL + "/console/oidc/terug", authenticator: consoleAuthenticator,
                    secret: consoleSecret)
            },
            consoleVerification: LogVerificationRunner(log: transparency, clock: clock),
            timeZone: TimeZone(identifier: configuration.timeZone) ?? TimeZone(identifier: "UTC")!)
    }

    /// The TLS configuration of a configuration, when it names a certificate and key; with a client
    /// CA, client certificates are required and verified against it.
    public static func tlsConfiguration(_ configuration: KoppelingConfiguration) throws -> TLSConfiguration? {
        guard let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath else { return nil }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        // NIOSSL's default accepts TLS 1.0 and 1.1.
        tls.minimumTLSVersion = configuration.tlsMinimumVersion == "1.3" ? .tlsv13 : .tlsv12
        if let clientCA = configuration.clientCAPath {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
            tls.certificateVerification = .noHostnameVerification
        }
        return tls
    }

    /// The HTTP application over the services, with TLS when the configuration asks for it.
    public static func buildApplication(
        services: KoppelingServices, configuration: KoppelingConfiguration, logger: Logger
    ) throws -> some ApplicationProtocol {
        let timeZone = configuration.timeZone
        let router = router(
            services: services, today: KoppelingConfiguration.todayClock(in: timeZone), secureCookies: secureCookies(configuration))
        // The idle timer starts when the connection opens and restarts with each request part read,
        // so it also closes a connection that never finishes its request head or its TLS handshake.
        let http1: HTTPServerBuilder = .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds))))
        let server: HTTPServerBuilder = try tlsConfiguration(configuration).map { try .tls(http1, tlsConfiguration: $0) } ?? http1
        return Application(
            router: router, server: server,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "koppeling",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            logger: logger)
    }

    /// Serves the same services on several listeners (such as plain HTTP on loopback and mutual TLS
    /// beside it) until SIGTERM or SIGINT, then shuts them down gracefully.
    public static func run(services: KoppelingServices, listeners: [KoppelingConfiguration], logger: Logger) async throws {
        try await serviceGroup(services: services, listeners: listeners, signals: [.sigterm, .sigint], logger: logger).run()
    }

    /// Opens the register a configuration names and serves it on the listeners until SIGTERM or
    /// SIGINT. On PostgreSQL the connection pool is the first service of the group: the register
    /// is opened on it once it runs, and it stops last, after the listeners and the final checkpoint.
    public static func serve(_ configuration: KoppelingConfiguration, listeners: [KoppelingConfiguration], logger: Logger) async throws {
        guard PostgresRegisterStore.isPostgresURL(configuration.databasePath) else {
            return try await run(services: try await open(configuration), listeners: listeners, logger: logger)
        }
        let pool = try PostgresRegisterStore.ConnectionPool(url: configuration.databasePath)
        let server = ServingService {
            let store = try await PostgresRegisterStore(pool: pool)
            let services = try await services(
                store: store, configuration: configuration, today: KoppelingConfiguration.todayClock(in: configuration.timeZone))
            // Without signals of its own: the outer group's graceful shutdown reaches it.
            try await serviceGroup(services: services, listeners: listeners, signals: [], logger: logger).run()
        }
        let group: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: pool), .init(service: server)]
        try await ServiceGroup(configuration: .init(services: group, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }

    /// The background services and one application per listener, in one group.
    static func serviceGroup(
        services: KoppelingServices, listeners: [KoppelingConfiguration], signals: [UnixSignal], logger: Logger
    ) throws -> ServiceGroup {
        var group: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: CheckpointService(log: services.transparency, logger: logger)),
            .init(service: NoticeSweepService(services: services, logger: logger)),
            .init(service: WebhookService(dispatcher: services.webhooks, logger: logger)),
        ]
        for listener in listeners {
            group.append(.init(service: try buildApplication(services: services, configuration: listener, logger: logger)))
        }
        return ServiceGroup(configuration: .init(services: group, gracefulShutdownSignals: signals, logger: logger))
    }

    /// The router alone, for in-process tests.
    public static func buildRouter(
        services: KoppelingServices, today: @escaping @Sendable () -> LocalDate
    ) -> Router<KoppelingRequestContext> {
        router(services: services, today: today, secureCookies: false)
    }

    /// The API's routes and the console's pages.
    static func router(
        services: KoppelingServices, today: @escaping @Sendable () -> LocalDate, secureCookies: Bool
    ) -> Router<KoppelingRequestContext> {
        let router = KoppelingRouter.build(services: services.routes, today: today)
        let access = ConsoleRegisterAccess(
            register: services.register, exchange: services.exchange, log: services.transparency, handles: services.consoleHandles,
            verification: services.consoleVerification, webhooks: services.webhooks.store, workList: services.workList,
            timeZone: services.timeZone)
        ConsoleController<KoppelingRequestContext>(
            authenticator: services.consoleAuthenticator, access: access, oidc: services.consoleOIDC, secureCookies: secureCookies
        )
        .addRoutes(to: router.group("console"))
        return router
    }

    /// Whether the console's cookies are `Secure`: always, but on plain HTTP on the loopback (a
    /// demo, a test), where a browser would not send them back.
    public static func secureCookies(_ configuration: KoppelingConfiguration) -> Bool {
        configuration.tlsCertificatePath != nil || !["127.0.0.1", "::1", "localhost"].contains(configuration.host)
    }
}

/// Every service of one Koppeling process, over one store.
public struct KoppelingServices: Sendable {
    public let register: Register
    public let protocols: ProtocolRegistry
    public let exchange: ExchangeService
    /// ABB's enforcement work list.
    public let workList: WorkListService
    public let tokens: TokenService
    public let transparency: TransparencyLog
    public let webhooks: WebhookDispatcher
    public let batches: BatchWriter
    public let metrics: ServerMetrics
    /// Where webhooks may be sent.
    public let webhookPolicy: WebhookAddressPolicy
    public let limits: RequestLimits
    /// The console's users, as operators add, disable and reset them.
    public let consoleUsers: ConsoleUserAdministration
    /// The console's sign-in and sessions.
    public let consoleAuthenticator: ConsoleAuthenticator
    /// Seals the console's person handles.
    public let consoleHandles: PersonHandle.Sealer
    /// Sign-in through the organisation's OpenID Connect provider, when one is set.
    public let consoleOIDC: OIDCSignIn?
    /// Full verifications of the log started from the console.
    public let consoleVerification: LogVerificationRunner
    /// The register's time zone, for the times the console shows.
    public let timeZone: TimeZone

    var routes: KoppelingRouter.Services {
        KoppelingRouter.Services(
            register: register, protocols: protocols, exchange: exchange, workList: workList, tokens: tokens,
            transparency: transparency, webhooks: webhooks.store,
            batches: batches, metrics: metrics, limits: limits, webhookPolicy: webhookPolicy)
    }
}

/// The server on a register that can only be opened once another service of the group runs (the
/// PostgreSQL connection pool): opens it, then runs the server's own group.
struct ServingService: Service {
    let body: @Sendable () async throws -> Void

    init(_ body: @escaping @Sendable () async throws -> Void) {
        self.body = body
    }

    func run() async throws {
        try await body()
    }
}

/// Issues a checkpoint every second while entries arrive, and a last one at shutdown.
struct CheckpointService: Service {
    let log: TransparencyLog
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await log.issueCheckpoints(every: .seconds(1), logger: logger)
        }
        do {
            try await log.issueCheckpoint()
        } catch {
            logger.error("the last checkpoint at shutdown failed", metadata: ["error": "\(type(of: error))"])
        }
    }
}

/// The daily passes: every hour it sweeps the change notices of every day not swept yet up to today
/// (a day missed while the server was down or the pass failed is caught up, each day once) and
/// writes the batch files of clients whose last batch is due, and brings the status projection up
/// to today (rows whose day has come, or missing). Failures are logged, and the next
/// hour tries again.
struct NoticeSweepService: Service {
    let services: KoppelingServices
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let today = services.exchange.today()
                do {
                    for (day, count) in try await services.register.sweepMissedDays(through: today, at: services.exchange.clock()) {
                        logger.info("daily sweep", metadata: ["day": "\(day)", "notices": "\(count)"])
                    }
                } catch {
                    logger.error("daily sweep failed; retried within the hour", metadata: ["error": "\(type(of: error))"])
                }
                do {
                    let refreshed = try await services.register.refreshProjection()
                    if refreshed > 0 { logger.info("status projection refreshed", metadata: ["persons": "\(refreshed)"]) }
                } catch {
                    logger.error("status projection refresh failed; retried within the hour", metadata: ["error": "\(type(of: error))"])
                }
                let clients = services.exchange.store
                let protocols = services.protocols
                do {
                    _ = try await services.batches.runDue(clients: { try await clients.client(id: $0) }) { client in
                        try await protocols.policy().batchIntervalDays(party: client.party, on: today)
                    }
                } catch {
                    logger.error("batch files failed; retried within the hour", metadata: ["error": "\(type(of: error))"])
                }
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }
}

/// Delivers change notices to webhook endpoints while the server runs.
struct WebhookService: Service {
    let dispatcher: WebhookDispatcher
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await dispatcher.run(logger: logger)
        }
    }
}

/// The console reads the request id and `traceparent` the tracing middleware set.
extension KoppelingRequestContext: ConsoleRequestContext {}
