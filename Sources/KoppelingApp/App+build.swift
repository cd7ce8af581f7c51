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
        let store = try SQLiteRegisterStore(path: configuration.databasePath)
        return Register(store: store, engine: StatusEngine(), policy: configuration.policy)
    }

    /// The HTTP application over a register.
    public static func buildApplication(
        register: Register, configuration: KoppelingConfiguration, logger: Logger
    ) -> some ApplicationProtocol {
        let timeZone = configuration.timeZone
        let router = KoppelingRouter.build(register: register, today: { KoppelingConfiguration.today(in: timeZone) })
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "koppeling"),
            logger: logger)
    }

    /// The router alone, for in-process tests.
    public static func buildRouter(register: Register, today: @escaping @Sendable () -> LocalDate) -> Router<BasicRequestContext> {
        KoppelingRouter.build(register: register, today: today)
    }
}
