import ArgumentParser
import Hummingbird
import KoppelingApp
import KoppelingStore
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the register over HTTP.")

    @OptionGroup var options: RegisterOptions

    @Option(help: "The address to listen on (default: $KOPPELING_HOST, else 127.0.0.1).")
    var host: String?

    @Option(help: "The port (default: $KOPPELING_PORT, else 8080).")
    var port: Int?

    func run() async throws {
        var configuration = options.configuration()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        try await serve(services: try await KoppelingApp.open(configuration), configuration: configuration)
    }
}

/// Runs the HTTP server until it is stopped.
func serve(services: KoppelingServices, configuration: KoppelingConfiguration) async throws {
    var logger = Logger(label: "koppeling")
    logger.logLevel = .info
    let isLoopback = configuration.host == "127.0.0.1" || configuration.host == "::1" || configuration.host == "localhost"
    logger.info(
        "serving plain HTTP",
        metadata: [
            "address": "\(configuration.host):\(configuration.port)", "database": "\(configuration.databasePath)",
            "note": "\(isLoopback ? "loopback only; the staff endpoints are open without authentication" : "WARNING: not loopback, and the staff endpoints have no authentication yet")",
        ])
    let app = KoppelingApp.buildApplication(services: services, configuration: configuration, logger: logger)
    try await app.runService()
}
