public import KoppelingCore
import Foundation

/// The settings of one Koppeling process. Each comes from a command-line option, else the
/// environment variable named beside it, else the default.
public struct KoppelingConfiguration: Sendable {
    /// `KOPPELING_DATABASE`: the register: a SQLite file (default `koppeling.sqlite` in the working
    /// directory) or a `postgres://` address, whose password is a secret (never logged).
    public var databasePath: String

    /// The database address as it may be shown or logged: a PostgreSQL password replaced by `***`.
    public var redactedDatabase: String {
        guard var components = URLComponents(string: databasePath), components.password != nil, components.scheme?.hasPrefix("postgres") == true else {
            return databasePath
        }
        components.password = "***"
        return components.string ?? "postgres://***"
    }
    /// `KOPPELING_HOST`: the address to listen on (default `127.0.0.1`).
    public var host: String
    /// `KOPPELING_PORT`: the port (default 8080).
    public var port: Int
    /// `KOPPELING_ALLOW_TEST_NUMBERS`: accept MAGDA test numbers (month + 60); `1` or `true`. Default off;
    /// the demo and the tests switch it on.
    public var allowsTestNumbers: Bool
    /// `KOPPELING_TIME_ZONE`: the time zone that decides what "today" is (default `Europe/Brussels`).
    public var timeZone: String
    /// `KOPPELING_TOKEN_AUDIENCE`: the token URL that client assertions must name as `aud`
    /// (default `http://HOST:PORT/oauth/token`).
    public var tokenAudienceOverride: String?

    /// `KOPPELING_LOG_ORIGIN`: the transparency log's origin, the first line of its checkpoints and
    /// the name of its key (default `koppeling.example/disclosures`; set a name of your own).
    public var logOrigin: String = "koppeling.example/disclosures"

    /// `KOPPELING_TLS_CERT`: the server's certificate chain (PEM); with a key, the server speaks TLS.
    public var tlsCertificatePath: String?
    /// `KOPPELING_TLS_KEY`: the server's private key (PEM). Secret.
    public var tlsKeyPath: String?
    /// `KOPPELING_CLIENT_CA`: the CA (PEM) that issues client certificates; with it, mutual TLS is
    /// required on every connection.
    public var clientCAPath: String?

    /// The token URL client assertions must name as their audience.
    public var tokenAudience: String {
        tokenAudienceOverride ?? "\(tlsCertificatePath == nil ? "http" : "https")://\(host):\(port)/oauth/token"
    }

    public init(
        databasePath: String, host: String = "127.0.0.1", port: Int = 8080, allowsTestNumbers: Bool = false,
        timeZone: String = "Europe/Brussels", tokenAudienceOverride: String? = nil, tlsCertificatePath: String? = nil,
        tlsKeyPath: String? = nil, clientCAPath: String? = nil
    ) {
        self.databasePath = databasePath
        self.host = host
        self.port = port
        self.allowsTestNumbers = allowsTestNumbers
        self.timeZone = timeZone
        self.tokenAudienceOverride = tokenAudienceOverride
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
        self.clientCAPath = clientCAPath
    }

    /// The configuration from the environment, with the defaults.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> KoppelingConfiguration {
        let flag = environment["KOPPELING_ALLOW_TEST_NUMBERS"]?.lowercased()
        var configuration = KoppelingConfiguration(
            databasePath: environment["KOPPELING_DATABASE"] ?? "koppeling.sqlite",
            host: environment["KOPPELING_HOST"] ?? "127.0.0.1",
            port: environment["KOPPELING_PORT"].flatMap(Int.init) ?? 8080,
            allowsTestNumbers: flag == "1" || flag == "true",
            timeZone: environment["KOPPELING_TIME_ZONE"] ?? "Europe/Brussels",
            tokenAudienceOverride: environment["KOPPELING_TOKEN_AUDIENCE"], tlsCertificatePath: environment["KOPPELING_TLS_CERT"],
            tlsKeyPath: environment["KOPPELING_TLS_KEY"], clientCAPath: environment["KOPPELING_CLIENT_CA"])
        if let origin = environment["KOPPELING_LOG_ORIGIN"], !origin.isEmpty { configuration.logOrigin = origin }
        return configuration
    }

    /// The national-number policy for today.
    public var policy: NationalNumber.Policy {
        NationalNumber.Policy(allowsTestNumbers: allowsTestNumbers, currentYear: today().components.year)
    }

    /// Today's date in the configured time zone.
    public func today() -> LocalDate {
        Self.today(in: timeZone)
    }

    /// Today's date in a time zone.
    public static func today(in timeZoneIdentifier: String) -> LocalDate {
        todayClock(in: timeZoneIdentifier)()
    }

    /// A function that answers today's date in a time zone, cheaply enough to call on every request.
    public static func todayClock(in timeZoneIdentifier: String) -> @Sendable () -> LocalDate {
        let zone = TimeZone(identifier: timeZoneIdentifier) ?? TimeZone(identifier: "UTC")!
        return {
            let now = Date()
            let local = now.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: now))
            return LocalDate(daysSinceEpoch: Int32((local / 86_400).rounded(.down)))
        }
    }
}
