import ArgumentParser
import Foundation
import Hummingbird
import KoppelingApp
import KoppelingStore
import Logging

#if canImport(Glibc)
    import Glibc
#endif

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
        var configuration = try options.configuration()
        bootstrapLogging(configuration)
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let tlsCert { configuration.tlsCertificatePath = tlsCert }
        if let tlsKey { configuration.tlsKeyPath = tlsKey }
        if let clientCa { configuration.clientCAPath = clientCa }
        guard (configuration.tlsCertificatePath == nil) == (configuration.tlsKeyPath == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        let logger = prepareToServe(listeners: [configuration])
        try await KoppelingApp.serve(configuration, listeners: [configuration], logger: logger)
    }
}

/// Runs the HTTP server until it is stopped, on its configured listener and any extra ones.
func serve(services: KoppelingServices, configuration: KoppelingConfiguration, extraListeners: [KoppelingConfiguration] = []) async throws {
    let listeners = [configuration] + extraListeners
    try await KoppelingApp.run(services: services, listeners: listeners, logger: prepareToServe(listeners: listeners))
}

/// The server's logger, after raising the descriptor limit and saying what each listener serves.
func prepareToServe(listeners: [KoppelingConfiguration]) -> Logger {
    let configuration = listeners[0]
    var logger = Logger(label: "koppeling")
    logger.logLevel = .info
    // Each connection holds a file descriptor: the soft limit (often 1,024) is raised to the hard
    // one, so that the connection cap, not the descriptor limit, decides how many are served.
    var limit = rlimit()
    if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
    if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, Int(limit.rlim_cur) < configuration.maxConnections + 256 {
        logger.warning(
            "the file descriptor limit is below the connection cap",
            metadata: ["limit": "\(limit.rlim_cur)", "KOPPELING_MAX_CONNECTIONS": "\(configuration.maxConnections)"])
    }
    for listener in listeners {
        let isLoopback = ["127.0.0.1", "::1", "localhost"].contains(listener.host)
        let mode =
            listener.tlsCertificatePath == nil
            ? "plain HTTP" : (listener.clientCAPath == nil ? "TLS" : "TLS with required client certificates (mutual TLS)")
        var note = "every endpoint but health, /openapi.json, /oauth/token and published protocols needs an authenticated client"
        if listener.tlsCertificatePath == nil {
            note +=
                isLoopback
                ? "; plain HTTP is for loopback, demos and tests"
                : "; WARNING: plain HTTP on a non-loopback address, tokens and answers travel unencrypted (use --tls-cert)"
        }
        logger.info(
            "serving \(mode)",
            metadata: ["address": "\(listener.host):\(listener.port)", "database": "\(listener.redactedDatabase)", "note": "\(note)"])
    }
    return logger
}
