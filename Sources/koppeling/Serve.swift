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

    @Option(help: "The server's certificate chain (PEM); with --tls-key the server speaks TLS (default: $KOPPELING_TLS_CERT).")
    var tlsCert: String?

    @Option(help: "The server's private key (PEM) (default: $KOPPELING_TLS_KEY).")
    var tlsKey: String?

    @Option(help: "The CA (PEM) of client certificates; with it, mutual TLS is required (default: $KOPPELING_CLIENT_CA).")
    var clientCa: String?

    func run() async throws {
        var configuration = options.configuration()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let tlsCert { configuration.tlsCertificatePath = tlsCert }
        if let tlsKey { configuration.tlsKeyPath = tlsKey }
        if let clientCa { configuration.clientCAPath = clientCa }
        guard (configuration.tlsCertificatePath == nil) == (configuration.tlsKeyPath == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        try await serve(services: try await KoppelingApp.open(configuration), configuration: configuration)
    }
}

/// Runs the HTTP server until it is stopped.
func serve(services: KoppelingServices, configuration: KoppelingConfiguration) async throws {
    var logger = Logger(label: "koppeling")
    logger.logLevel = .info
    let isLoopback = configuration.host == "127.0.0.1" || configuration.host == "::1" || configuration.host == "localhost"
    let mode = configuration.tlsCertificatePath == nil ? "plain HTTP" : (configuration.clientCAPath == nil ? "TLS" : "TLS with required client certificates (mutual TLS)")
    logger.info(
        "serving \(mode)",
        metadata: [
            "address": "\(configuration.host):\(configuration.port)", "database": "\(configuration.databasePath)",
            "note": "\(isLoopback ? "loopback only; the staff endpoints are open without authentication" : "WARNING: not loopback, and the staff endpoints have no authentication yet")",
        ])
    let app = try KoppelingApp.buildApplication(services: services, configuration: configuration, logger: logger)
    try await app.runService()
}
