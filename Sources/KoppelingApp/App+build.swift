public import Hummingbird
public import KoppelingCore
public import KoppelingStore
public import KoppelingHTTP
import Crypto
import KoppelingStoreSQLite
public import Logging

/// The composition root: opens the store and builds the register and the application, for
/// `main` and for the tests alike.
public enum KoppelingApp {
    /// Opens the register of a configuration (SQLite for now).
    public static func openRegister(_ configuration: KoppelingConfiguration) async throws -> Register {
        try await open(configuration).register
    }

    /// Opens the store of a configuration once and builds every service over it.
    public static func open(_ configuration: KoppelingConfiguration) async throws -> KoppelingServices {
        let store = try SQLiteRegisterStore(path: configuration.databasePath)
        return try await services(store: store, configuration: configuration, today: { configuration.today() })
    }

    /// Every service over one store.
    public static func services(
        store: SQLiteRegisterStore, configuration: KoppelingConfiguration, today: @escaping @Sendable () -> LocalDate
    ) async throws -> KoppelingServices {
        let clock = SQLiteRegisterStore.systemClock
        let register = Register(store: store, engine: StatusEngine(), policy: configuration.policy)
        let protocols = ProtocolRegistry(store: store, clock: clock)
        let signingKey = try Curve25519.Signing.PrivateKey(rawRepresentation: try await store.serverSecret(named: "token-signing-key"))
        let pseudonymizer = Pseudonymizer(secret: try await store.serverSecret(named: "pseudonym-key"))
        return KoppelingServices(
            register: register, protocols: protocols,
            exchange: ExchangeService(register: register, protocols: protocols, store: store, pseudonymizer: pseudonymizer, clock: clock, today: today),
            tokens: TokenService(audience: configuration.tokenAudience, signingKey: signingKey, store: store, clock: clock))
    }

    /// The HTTP application over the services.
    public static func buildApplication(
        services: KoppelingServices, configuration: KoppelingConfiguration, logger: Logger
    ) -> some ApplicationProtocol {
        let timeZone = configuration.timeZone
        let router = KoppelingRouter.build(services: services.routes, today: { KoppelingConfiguration.today(in: timeZone) })
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "koppeling"),
            logger: logger)
    }

    /// The router alone, for in-process tests.
    public static func buildRouter(services: KoppelingServices, today: @escaping @Sendable () -> LocalDate) -> Router<BasicRequestContext> {
        KoppelingRouter.build(services: services.routes, today: today)
    }
}

/// Every service of one Koppeling process, over one store.
public struct KoppelingServices: Sendable {
    public let register: Register
    public let protocols: ProtocolRegistry
    public let exchange: ExchangeService
    public let tokens: TokenService

    var routes: KoppelingRouter.Services {
        KoppelingRouter.Services(register: register, protocols: protocols, exchange: exchange, tokens: tokens)
    }
}
