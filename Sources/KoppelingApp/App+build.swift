public import Hummingbird
public import KoppelingCore
public import KoppelingStore
import KoppelingHTTP
import KoppelingStoreSQLite
public import Logging

/// The composition root: opens the store and builds the register and the application, for
/// `main` and for the tests alike.
public enum KoppelingApp {
    /// Opens the register of a configuration (SQLite for now).
    public static func openRegister(_ configuration: KoppelingConfiguration) throws -> Register {
        try open(configuration).register
    }

    /// Opens the store of a configuration once and builds every service over it.
    public static func open(_ configuration: KoppelingConfiguration) throws -> KoppelingServices {
        let store = try SQLiteRegisterStore(path: configuration.databasePath)
        return KoppelingServices(
            register: Register(store: store, engine: StatusEngine(), policy: configuration.policy),
            protocols: ProtocolRegistry(store: store, clock: SQLiteRegisterStore.systemClock))
    }

    /// The HTTP application over the services.
    public static func buildApplication(
        services: KoppelingServices, configuration: KoppelingConfiguration, logger: Logger
    ) -> some ApplicationProtocol {
        let timeZone = configuration.timeZone
        let router = KoppelingRouter.build(
            register: services.register, protocols: services.protocols, today: { KoppelingConfiguration.today(in: timeZone) })
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "koppeling"),
            logger: logger)
    }

    /// The router alone, for in-process tests.
    public static func buildRouter(
        register: Register, protocols: ProtocolRegistry, today: @escaping @Sendable () -> LocalDate
    ) -> Router<BasicRequestContext> {
        KoppelingRouter.build(register: register, protocols: protocols, today: today)
    }
}

/// Every service of one Koppeling process, over one store.
public struct KoppelingServices: Sendable {
    public let register: Register
    public let protocols: ProtocolRegistry
}
