import Foundation

extension KoppelingConfiguration {
    /// A setting that cannot be used, named with where it came from.
    public struct SettingError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Every setting, with whether its value is a secret (never printed or logged).
    public static let settings: [(name: String, secret: Bool, meaning: String)] = [
        (
            "KOPPELING_DATABASE", true,
            "the register: a SQLite file, or postgres://user:password@host:port/database[?sslmode=…] (the password is the secret)"
        ),
        ("KOPPELING_HOST", false, "the address to listen on (default 127.0.0.1)"),
        ("KOPPELING_PORT", false, "the port (default 8080)"),
        ("KOPPELING_ALLOW_TEST_NUMBERS", false, "accept MAGDA test numbers: 1/true or 0/false (default false)"),
        ("KOPPELING_TIME_ZONE", false, "the time zone that decides what today is (default Europe/Brussels)"),
        ("KOPPELING_TOKEN_AUDIENCE", false, "the token URL client assertions must name (default http(s)://HOST:PORT/oauth/token)"),
        ("KOPPELING_LOG_ORIGIN", false, "the transparency log's origin and key name"),
        ("KOPPELING_TLS_CERT", false, "the server's certificate chain (PEM file)"),
        ("KOPPELING_TLS_KEY", true, "the server's private key (PEM file; the file is the secret, its path is shown)"),
        ("KOPPELING_CLIENT_CA", false, "the CA (PEM file) of client certificates; with it, mutual TLS is required"),
        ("KOPPELING_LOG_FORMAT", false, "json (default) or text"),
        ("KOPPELING_REGISTRATION_WINDOW_MONTHS", false, "months an obliged person has to register (default 3)"),
        (
            "KOPPELING_POSTPONEMENT_EXTENDS_WINDOW", false,
            "a registration postponement moves the window's end by the days it covered: 1/true or 0/false (default true)"
        ),
        (
            "KOPPELING_POSTPONEMENT_REVIEW_MONTHS", false,
            "months after which a postponement without an end date is flagged for review (default 12)"
        ),
        (
            "KOPPELING_FINE_TERM_MONTHS", false,
            "months from an infringement's establishment within which ABB can impose a fine (default 60, an assumption to confirm)"
        ),
        ("KOPPELING_AGENCIES", false, "a file of code,name lines naming the integration agencies by enterprise number"),
        (
            "KOPPELING_REQUESTS_PER_MINUTE_RECIPIENT", false,
            "requests a minute each recipient client may make (default 1200; lookups also count against the client's own rate)"
        ),
        ("KOPPELING_REQUESTS_PER_MINUTE_AGENCY", false, "requests a minute each agency client may make (default 1200)"),
        ("KOPPELING_REQUESTS_PER_MINUTE_STAFF", false, "requests a minute each staff client may make (default 300)"),
        ("KOPPELING_REQUESTS_PER_MINUTE_CITIZEN_PORTAL", false, "requests a minute each citizen-portal client may make (default 120)"),
        ("KOPPELING_REQUESTS_PER_MINUTE_ENFORCEMENT", false, "requests a minute each enforcement client may make (default 300)"),
        (
            "KOPPELING_IDLE_TIMEOUT_SECONDS", false,
            """
            seconds after which a connection that is idle, still sending its request head or still in its TLS handshake is closed \
            (default 30)
            """
        ),
        ("KOPPELING_MAX_CONNECTIONS", false, "open connections per listener; beyond it new ones wait in the backlog (default 10000)"),
        ("KOPPELING_OIDC_ISSUER", false, "the console's OpenID Connect provider (issuer address); unset: local accounts only"),
        ("KOPPELING_OIDC_CLIENT_ID", false, "the console's client id at the OpenID Connect provider"),
        ("KOPPELING_OIDC_CLIENT_SECRET", true, "the console's client secret at the OpenID Connect provider"),
        ("KOPPELING_OIDC_ROLE_CLAIM", false, "the ID token claim that holds the user's roles at the provider (default roles)"),
        (
            "KOPPELING_OIDC_ROLES", false,
            "the provider's role values and the console roles they give: VALUE:ROLE,VALUE:ROLE (such as KBI_DPO:dpo)"
        ),
        (
            "KOPPELING_FINE_APPROVAL_ABOVE_EUR", false,
            "a fine above this amount (euro) waits for a second enforcement officer's approval (default 2500)"
        ),
        ("KOPPELING_TERM_ENDING_DAYS", false, "days ahead the queue of infringements whose term for a fine ends looks (default 90)"),
        ("KOPPELING_CONSOLE_IDLE_SECONDS", false, "seconds without a request after which a console session ends (default 900)"),
        (
            "KOPPELING_CONSOLE_SESSION_SECONDS", false,
            "seconds after sign-in after which a console session ends in any case (default 28800)"
        ),
        ("KOPPELING_TLS_MIN_VERSION", false, "the least TLS version accepted: 1.2 (default) or 1.3"),
        (
            "KOPPELING_WEBHOOK_ALLOW_LOCAL", false,
            "webhooks may use plain http and loopback, private and link-local addresses: 1/true for demos and tests only (default false)"
        ),
    ]

    /// Reads a configuration file: `NAME=value` lines with the names of the environment
    /// variables, `#` comments and blank lines; an unknown name or a line without `=` is an error
    /// naming the line.
    public static func readFile(_ path: String) throws -> [String: String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SettingError(description: "\(path): cannot be read")
        }
        let known = Set(settings.map(\.name))
        var values: [String: String] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw SettingError(description: "\(path):\(number + 1): expected NAME=value")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard known.contains(name) else { throw SettingError(description: "\(path):\(number + 1): unknown setting \(name)") }
            values[name] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return values
    }
}
