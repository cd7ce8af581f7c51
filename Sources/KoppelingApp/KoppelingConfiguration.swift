public import Foundation
public import KoppelingConsole
public import KoppelingCore
import KoppelingHTTP
import KoppelingStorePostgres

/// The settings of one Koppeling process. Each comes from a command-line option, else the
/// environment variable named beside it, else the default.
public struct KoppelingConfiguration: Sendable {
    /// `KOPPELING_DATABASE`: the register: a SQLite file (default `koppeling.sqlite` in the working
    /// directory) or a `postgres://` address, whose password is a secret (never logged).
    public var databasePath: String

    /// The database address as it may be shown or logged: a PostgreSQL password replaced by `***`.
    public var redactedDatabase: String {
        guard var components = URLComponents(string: databasePath), components.password != nil,
            components.scheme?.hasPrefix("postgres") == true
        else {
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
    /// The address people and systems reach the server at, for the links it hands out: the token
    /// URL without `/oauth/token`.
    public var publicBaseURL: String {
        let audience = tokenAudience
        return audience.hasSuffix("/oauth/token") ? String(audience.dropLast("/oauth/token".count)) : audience
    }

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

    /// `KOPPELING_LOG_FORMAT`: `json` (the default: one JSON object per line) or `text`.
    public var logFormat = "json"

    /// `KOPPELING_REGISTRATION_WINDOW_MONTHS`: the months an obliged person has to register (default 3).
    public var registrationWindowMonths = 3
    /// `KOPPELING_POSTPONEMENT_EXTENDS_WINDOW`: whether a registration postponement moves the end
    /// of the registration window by the days it covered (default true).
    public var postponementExtendsWindow = true
    /// `KOPPELING_POSTPONEMENT_REVIEW_MONTHS`: after how many months a postponement without an end
    /// date is flagged for review (default 12).
    public var postponementReviewMonths = 12
    /// `KOPPELING_FINE_TERM_MONTHS`: the months from an infringement's establishment within which
    /// ABB can impose a fine (default 60, an assumption to be confirmed; see docs/status-rules.md).
    public var fineTermMonths = 60
    /// `KOPPELING_AGENCIES`: a file of `code,name` lines naming the integration agencies by their
    /// enterprise numbers, added to the standard short names.
    public var agenciesPath: String?
    /// The agency table: the standard short names and the file's lines.
    public var agencies = AgencyDirectory.standard

    /// `KOPPELING_REQUESTS_PER_MINUTE_RECIPIENT`, `…_AGENCY`, `…_STAFF`, `…_CITIZEN_PORTAL`, `…_ENFORCEMENT`: each
    /// client's budget of requests a minute on the routes of its role (defaults 1200, 1200, 300, 120).
    public var requestsPerMinute = RequestLimits.standardPerMinute

    /// `KOPPELING_IDLE_TIMEOUT_SECONDS`: a connection idle, still sending its request head, or
    /// still in its TLS handshake this long is closed (default 30).
    public var idleTimeoutSeconds = 30
    /// `KOPPELING_MAX_CONNECTIONS`: open connections per listener; beyond it new connections wait
    /// in the backlog until one closes (default 10,000).
    public var maxConnections = 10_000
    /// `KOPPELING_CONSOLE_IDLE_SECONDS`: a console session without a request this long has ended
    /// (default 900, a quarter of an hour).
    public var consoleIdleSeconds = 900
    /// `KOPPELING_CONSOLE_SESSION_SECONDS`: a console session this long after sign-in has ended,
    /// whatever happened (default 28,800, eight hours).
    public var consoleSessionSeconds = 28_800
    /// `KOPPELING_FINE_APPROVAL_ABOVE_EUR`: a fine above this amount waits for a second
    /// enforcement officer's approval before it is stored (default 2,500 euro).
    public var fineApprovalAboveEUR = 2_500
    /// `KOPPELING_TERM_ENDING_DAYS`: how many days ahead the enforcement queue of infringements
    /// whose term for a fine runs out looks (default 90).
    public var termEndingDays = 90
    /// `KOPPELING_OIDC_…`: the console's OpenID Connect provider, its client registration and the
    /// map from its role claim to roles; nil: local accounts only.
    public var oidc: OIDCSignIn.Settings?
    /// `KOPPELING_TLS_MIN_VERSION`: the least TLS version accepted, 1.2 (default) or 1.3.
    public var tlsMinimumVersion = "1.2"
    /// `KOPPELING_WEBHOOK_ALLOW_LOCAL`: webhooks may use plain http and local addresses (demos and
    /// tests on one machine; default false).
    public var webhookAllowsLocal = false

    /// Where webhooks may be sent.
    public var webhookPolicy: WebhookAddressPolicy { WebhookAddressPolicy(allowsLocal: webhookAllowsLocal) }

    /// The status engine these settings describe.
    public var engine: StatusEngine {
        StatusEngine(
            registrationWindowMonths: registrationWindowMonths, postponementExtendsWindow: postponementExtendsWindow,
            postponementReviewMonths: postponementReviewMonths, fineTermMonths: fineTermMonths)
    }

    /// The configuration of a process: the file named by `KOPPELING_CONFIG` (`NAME=value` lines
    /// with the names of the environment variables), then the environment, which wins, then the
    /// defaults; every value is checked, and the first that cannot be used is an error naming it.
    public static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KoppelingConfiguration {
        var values = try environment["KOPPELING_CONFIG"].map(readFile) ?? [:]
        for (name, value) in environment where name.hasPrefix("KOPPELING_") { values[name] = value }
        return try check(values)
    }

    static func check(_ values: [String: String]) throws -> KoppelingConfiguration {
        func fail(_ name: String, _ problem: String) -> SettingError { SettingError(description: "\(name): \(problem)") }
        var configuration = KoppelingConfiguration(databasePath: values["KOPPELING_DATABASE"] ?? "koppeling.sqlite")
        if PostgresRegisterStore.isPostgresURL(configuration.databasePath) {
            do {
                try PostgresRegisterStore.checkAddress(configuration.databasePath)
            } catch {
                throw fail("KOPPELING_DATABASE", "\(error) (the address is not repeated here: it may hold a password)")
            }
        }
        if let host = values["KOPPELING_HOST"] {
            guard !host.isEmpty else { throw fail("KOPPELING_HOST", "empty") }
            configuration.host = host
        }
        if let text = values["KOPPELING_PORT"] {
            guard let port = Int(text), (1...65_535).contains(port) else {
                throw fail("KOPPELING_PORT", "expected a port from 1 to 65535, got '\(text)'")
            }
            configuration.port = port
        }
        if let text = values["KOPPELING_ALLOW_TEST_NUMBERS"] {
            switch text.lowercased() {
            case "1", "true", "yes": configuration.allowsTestNumbers = true
            case "0", "false", "no", "": configuration.allowsTestNumbers = false
            default: throw fail("KOPPELING_ALLOW_TEST_NUMBERS", "expected 1/true or 0/false, got '\(text)'")
            }
        }
        if let zone = values["KOPPELING_TIME_ZONE"] {
            guard TimeZone(identifier: zone) != nil else {
                throw fail("KOPPELING_TIME_ZONE", "unknown time zone '\(zone)' (for example Europe/Brussels)")
            }
            configuration.timeZone = zone
        }
        if let audience = values["KOPPELING_TOKEN_AUDIENCE"] {
            guard let url = URL(string: audience), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw fail("KOPPELING_TOKEN_AUDIENCE", "expected the token URL, such as https://koppeling.example/oauth/token")
            }
            configuration.tokenAudienceOverride = audience
        }
        if let origin = values["KOPPELING_LOG_ORIGIN"] {
            guard !origin.isEmpty, !origin.contains(where: { $0.isWhitespace || $0 == "+" }) else {
                throw fail("KOPPELING_LOG_ORIGIN", "expected a name without spaces or '+', such as koppeling.vlaanderen.be/disclosures")
            }
            configuration.logOrigin = origin
        }
        for (name, keyPath) in [
            ("KOPPELING_TLS_CERT", \KoppelingConfiguration.tlsCertificatePath), ("KOPPELING_TLS_KEY", \.tlsKeyPath),
            ("KOPPELING_CLIENT_CA", \.clientCAPath),
        ] {
            guard let path = values[name] else { continue }
            guard FileManager.default.isReadableFile(atPath: path) else { throw fail(name, "no readable file at \(path)") }
            configuration[keyPath: keyPath] = path
        }
        guard (configuration.tlsCertificatePath == nil) == (configuration.tlsKeyPath == nil) else {
            throw fail("KOPPELING_TLS_CERT", "KOPPELING_TLS_CERT and KOPPELING_TLS_KEY go together")
        }
        guard configuration.clientCAPath == nil || configuration.tlsCertificatePath != nil else {
            throw fail("KOPPELING_CLIENT_CA", "mutual TLS needs KOPPELING_TLS_CERT and KOPPELING_TLS_KEY too")
        }
        if let format = values["KOPPELING_LOG_FORMAT"] {
            guard ["json", "text"].contains(format) else { throw fail("KOPPELING_LOG_FORMAT", "expected json or text, got '\(format)'") }
            configuration.logFormat = format
        }
        for (name, keyPath, range) in [
            ("KOPPELING_REGISTRATION_WINDOW_MONTHS", \KoppelingConfiguration.registrationWindowMonths, 1...24),
            ("KOPPELING_POSTPONEMENT_REVIEW_MONTHS", \.postponementReviewMonths, 1...120),
            ("KOPPELING_FINE_TERM_MONTHS", \.fineTermMonths, 1...240),
        ] {
            guard let text = values[name] else { continue }
            guard let months = Int(text), range.contains(months) else {
                throw fail(name, "expected a number of months from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            }
            configuration[keyPath: keyPath] = months
        }
        for (name, role) in Self.requestSettings {
            guard let text = values[name] else { continue }
            guard let rate = Int(text), (1...1_000_000).contains(rate) else {
                throw fail(name, "expected a number of requests a minute from 1 to 1000000, got '\(text)'")
            }
            configuration.requestsPerMinute[role] = rate
        }
        for (name, keyPath, range) in [
            ("KOPPELING_IDLE_TIMEOUT_SECONDS", \KoppelingConfiguration.idleTimeoutSeconds, 1...3600),
            ("KOPPELING_MAX_CONNECTIONS", \.maxConnections, 16...1_000_000),
            ("KOPPELING_CONSOLE_IDLE_SECONDS", \.consoleIdleSeconds, 5...86_400),
            ("KOPPELING_CONSOLE_SESSION_SECONDS", \.consoleSessionSeconds, 60...604_800),
            ("KOPPELING_FINE_APPROVAL_ABOVE_EUR", \.fineApprovalAboveEUR, 50...5_000),
            ("KOPPELING_TERM_ENDING_DAYS", \.termEndingDays, 1...3_650),
        ] {
            guard let text = values[name] else { continue }
            guard let number = Int(text), range.contains(number) else {
                throw fail(name, "expected a number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            }
            configuration[keyPath: keyPath] = number
        }
        if let text = values["KOPPELING_TLS_MIN_VERSION"] {
            guard ["1.2", "1.3"].contains(text) else { throw fail("KOPPELING_TLS_MIN_VERSION", "expected 1.2 or 1.3, got '\(text)'") }
            configuration.tlsMinimumVersion = text
        }
        if let text = values["KOPPELING_WEBHOOK_ALLOW_LOCAL"] {
            switch text.lowercased() {
            case "1", "true", "yes": configuration.webhookAllowsLocal = true
            case "0", "false", "no", "": configuration.webhookAllowsLocal = false
            default: throw fail("KOPPELING_WEBHOOK_ALLOW_LOCAL", "expected 1/true or 0/false, got '\(text)'")
            }
        }
        if let text = values["KOPPELING_POSTPONEMENT_EXTENDS_WINDOW"] {
            switch text.lowercased() {
            case "1", "true", "yes": configuration.postponementExtendsWindow = true
            case "0", "false", "no": configuration.postponementExtendsWindow = false
            default: throw fail("KOPPELING_POSTPONEMENT_EXTENDS_WINDOW", "expected 1/true or 0/false, got '\(text)'")
            }
        }
        if let issuer = values["KOPPELING_OIDC_ISSUER"], !issuer.isEmpty {
            guard let url = URL(string: issuer), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw fail("KOPPELING_OIDC_ISSUER", "expected the provider's https address, got '\(issuer)'")
            }
            guard let clientId = values["KOPPELING_OIDC_CLIENT_ID"], !clientId.isEmpty else {
                throw fail("KOPPELING_OIDC_CLIENT_ID", "needed with KOPPELING_OIDC_ISSUER")
            }
            guard let secret = values["KOPPELING_OIDC_CLIENT_SECRET"], !secret.isEmpty else {
                throw fail("KOPPELING_OIDC_CLIENT_SECRET", "needed with KOPPELING_OIDC_ISSUER")
            }
            let claim = values["KOPPELING_OIDC_ROLE_CLAIM"] ?? "roles"
            guard let text = values["KOPPELING_OIDC_ROLES"], let roles = ConsoleUser.ProviderRoleMap(claim: claim, text: text) else {
                throw fail(
                    "KOPPELING_OIDC_ROLES",
                    """
                    expected VALUE:ROLE pairs separated by commas, each ROLE one of \
                    \(ConsoleUser.Role.allCases.map(\.rawValue).joined(separator: ", ")), such as KBI_DPO:dpo
                    """)
            }
            configuration.oidc = OIDCSignIn.Settings(
                issuer: issuer, clientId: clientId, clientSecret: secret, roles: roles)
        }
        if let path = values["KOPPELING_AGENCIES"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw fail("KOPPELING_AGENCIES", "no readable file at \(path)")
            }
            do {
                configuration.agencies = try AgencyDirectory.standard.adding(csv: text)
            } catch {
                throw fail("KOPPELING_AGENCIES", "\(path): \(error.description)")
            }
            configuration.agenciesPath = path
        }
        return configuration
    }

    /// Every setting as `koppeling config` shows it: name, value (secrets as `***`), meaning.
    public func described() -> [(name: String, value: String, meaning: String)] {
        let values: [String: String?] = [
            "KOPPELING_DATABASE": redactedDatabase, "KOPPELING_HOST": host, "KOPPELING_PORT": String(port),
            "KOPPELING_ALLOW_TEST_NUMBERS": String(allowsTestNumbers), "KOPPELING_TIME_ZONE": timeZone,
            "KOPPELING_TOKEN_AUDIENCE": tokenAudience, "KOPPELING_LOG_ORIGIN": logOrigin, "KOPPELING_TLS_CERT": tlsCertificatePath,
            "KOPPELING_TLS_KEY": tlsKeyPath, "KOPPELING_CLIENT_CA": clientCAPath, "KOPPELING_LOG_FORMAT": logFormat,
            "KOPPELING_REGISTRATION_WINDOW_MONTHS": String(registrationWindowMonths),
            "KOPPELING_POSTPONEMENT_EXTENDS_WINDOW": String(postponementExtendsWindow),
            "KOPPELING_POSTPONEMENT_REVIEW_MONTHS": String(postponementReviewMonths), "KOPPELING_FINE_TERM_MONTHS": String(fineTermMonths),
            "KOPPELING_AGENCIES": agenciesPath, "KOPPELING_IDLE_TIMEOUT_SECONDS": String(idleTimeoutSeconds),
            "KOPPELING_MAX_CONNECTIONS": String(maxConnections), "KOPPELING_CONSOLE_IDLE_SECONDS": String(consoleIdleSeconds),
            "KOPPELING_CONSOLE_SESSION_SECONDS": String(consoleSessionSeconds),
            "KOPPELING_FINE_APPROVAL_ABOVE_EUR": String(fineApprovalAboveEUR), "KOPPELING_TERM_ENDING_DAYS": String(termEndingDays),
            "KOPPELING_OIDC_ISSUER": oidc?.issuer, "KOPPELING_OIDC_CLIENT_ID": oidc?.clientId,
            "KOPPELING_OIDC_CLIENT_SECRET": oidc.map { _ in "***" }, "KOPPELING_OIDC_ROLE_CLAIM": oidc?.roles.claim,
            "KOPPELING_OIDC_ROLES": oidc.map {
                $0.roles.values.sorted { $0.key < $1.key }.flatMap { value, roles in roles.map { "\(value):\($0.rawValue)" } }.joined(
                    separator: ",")
            }, "KOPPELING_TLS_MIN_VERSION": tlsMinimumVersion,
            "KOPPELING_WEBHOOK_ALLOW_LOCAL": String(webhookAllowsLocal),
        ].merging(Self.requestSettings.map { ($0.name, String(requestsPerMinute[$0.role] ?? 0)) }) { $1 }
        return Self.settings.map { setting in (setting.name, (values[setting.name] ?? nil) ?? "(not set)", setting.meaning) }
    }

    /// The settings of the request budgets, by role.
    static let requestSettings: [(name: String, role: ClientRole)] = [
        ("KOPPELING_REQUESTS_PER_MINUTE_RECIPIENT", .recipient), ("KOPPELING_REQUESTS_PER_MINUTE_AGENCY", .agency),
        ("KOPPELING_REQUESTS_PER_MINUTE_STAFF", .staff), ("KOPPELING_REQUESTS_PER_MINUTE_CITIZEN_PORTAL", .citizenPortal),
        ("KOPPELING_REQUESTS_PER_MINUTE_ENFORCEMENT", .enforcement),
    ]

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
