import ArgumentParser
import Crypto
import Foundation
import KoppelingApp
import KoppelingCore
import KoppelingHTTP
import KoppelingStore

struct Client: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Client systems of the parties.",
        subcommands: [
            Register.self, List.self, Disable.self, Enable.self, RotateKey.self, RotateCertificate.self, SetSources.self, Assertion.self,
            Webhook.self,
        ])

    /// A comma-separated list of event sources, each 1 to 100 characters, without repeats.
    static func sourceList(_ text: String) throws -> [String] {
        do {
            return try RegisteredClient.sources(text)
        } catch {
            throw ValidationError("--\(error.description)")
        }
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client system of a party, with the key its token assertions are signed with (private_key_jwt, EdDSA).")

        @OptionGroup var options: RegisterOptions

        @Option(help: "The party the client belongs to (such as dvz).")
        var party: String

        @Option(help: "A name for people.")
        var name: String

        @Option(help: "recipient, agency, staff, citizen-portal or enforcement.")
        var role: String

        @Option(help: "The client's id (default: PARTY-NAME in lowercase with hyphens).")
        var id: String?

        @Option(help: "The Ed25519 public key its assertions are signed with: a .pub file or base64.")
        var key: String?

        @Option(help: "The SHA-256 fingerprint of its mutual-TLS client certificate, hexadecimal.")
        var certificateFingerprint: String?

        @Option(help: "Lookups per minute it may make.")
        var ratePerMinute = 600

        @Option(help: "For an agency client: the event sources it may write, comma-separated (kbi for KBI imports), such as kbi,agii.")
        var sources: String?

        func run() async throws {
            guard let clientRole = ClientRole(rawValue: role) else {
                throw ValidationError("--role must be one of \(ClientRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let allowedSources = try sources.map(Client.sourceList)
            let publicKey = try key.map { try Ed25519KeyFile.publicKey(fileOrBase64: $0).rawRepresentation.base64EncodedString() }
            let client: RegisteredClient
            do {
                client = try RegisteredClient.registering(
                    id: id, party: party, name: name, role: clientRole, assertionKey: publicKey,
                    certificateFingerprint: certificateFingerprint,
                    ratePerMinute: ratePerMinute, sources: allowedSources)
            } catch {
                throw ValidationError(error.description.replacingOccurrences(of: "sources", with: "--sources"))
            }
            let clientId = client.id
            let services = try await KoppelingApp.open(options.configuration())
            guard try await services.exchange.store.client(id: clientId) == nil else {
                printError("a client \(clientId) is already registered")
                throw ExitCode(1)
            }
            try await services.exchange.store.registerClient(client)
            print(
                "client \(clientId) registered for party \(party) with role \(clientRole.rawValue)"
                    + (allowedSources.map { ", sources \($0.joined(separator: ","))" } ?? ""))
        }
    }

    struct Assertion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a signed client assertion for POST /oauth/token (private_key_jwt, RFC 7523), as a client system makes it.",
            discussion: "Either --credentials FOLDER (a folder with client.json, as the demo writes) or --client, --key and --audience.")

        @Option(help: "A credentials folder with client.json.")
        var credentials: String?

        @Option(help: "The client id.")
        var client: String?

        @Option(help: "The client's Ed25519 private key (PKCS #8 PEM or base64 of 32 bytes).")
        var key: String?

        @Option(help: "The token URL (the assertion's aud).")
        var audience: String?

        @Option(help: "Seconds the assertion is valid.")
        var lifetime = 60

        func run() async throws {
            var clientId = client
            var keyPath = key
            var tokenURL = audience
            if let credentials {
                let data = try Data(contentsOf: URL(fileURLWithPath: credentials).appendingPathComponent("client.json"))
                guard case .object(let members) = try JSONValue.parse(String(decoding: data, as: UTF8.self)) else {
                    throw ValidationError("client.json is not a JSON object")
                }
                if clientId == nil, case .string(let value)? = members["clientId"] { clientId = value }
                if tokenURL == nil, case .string(let value)? = members["tokenUrl"] { tokenURL = value }
                if keyPath == nil, case .string(let value)? = members["assertionKey"] { keyPath = credentials + "/" + value }
            }
            guard let clientId, let keyPath, let tokenURL else {
                throw ValidationError("give --credentials, or --client, --key and --audience")
            }
            print(
                try await ClientAssertion.sign(
                    key: try Ed25519KeyFile.privateKey(at: keyPath), clientId: clientId, audience: tokenURL, lifetime: lifetime))
        }
    }

    struct Webhook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client's webhook endpoint for its change notices (Standard Webhooks); prints the signing secret once.",
            discussion: "Registering again rotates the secret: the previous one stays valid for --overlap-hours (default 24).")

        @OptionGroup var options: RegisterOptions

        @Option(help: "The client id.")
        var client: String

        @Option(
            help:
                """
                The endpoint's URL: https to a public address (http and local addresses only with KOPPELING_WEBHOOK_ALLOW_LOCAL=1, \
                for demos and tests).
                """
        )
        var url: String

        @Option(help: "After a rotation, hours the previous secret stays valid.")
        var overlapHours = 24

        func run() async throws {
            let configuration = try options.configuration()
            if let problem = configuration.webhookPolicy.problem(url: url) {
                let hint =
                    configuration.webhookAllowsLocal
                    ? "" : " (KOPPELING_WEBHOOK_ALLOW_LOCAL=1 allows http and local addresses, for demos and tests)"
                throw ValidationError("--url is not allowed: \(problem)\(hint)")
            }
            let services = try await KoppelingApp.open(configuration)
            let registrar = WebhookRegistrar(
                exchange: services.exchange, webhooks: services.webhooks.store, policy: configuration.webhookPolicy)
            let registered: WebhookRegistrar.Registered
            do {
                registered = try await registrar.register(
                    clientId: client, url: url, overlapHours: overlapHours, actor: operatorProvenance().recordedBy, party: "register",
                    requestId: "cli:\(UUID().uuidString.lowercased())", traceparent: nil)
            } catch WebhookRegistrar.Refusal.notARecipient {
                printError("no recipient client \(client) is registered")
                throw ExitCode(1)
            } catch WebhookRegistrar.Refusal.overlapOutOfRange {
                throw ValidationError("--overlap-hours must be 0 to 720")
            }
            print("webhook of \(client): \(url)")
            print("signing secret (shown once): \(registered.secret)")
            if let overlap = registered.previousSecretValidUntil { print("the previous secret stays valid until \(overlap)") }
        }
    }

    /// Applies an operator's change to a registered client and prints what it now is. Every
    /// instance sees it within a second (they read clients at least every second).
    static func administer(_ options: RegisterOptions, client id: String, _ change: ClientAdministration, reason: String) async throws {
        guard (1...500).contains(reason.utf8.count) else { throw ValidationError("--reason must hold 1 to 500 characters") }
        let services = try await KoppelingApp.open(try options.configuration())
        guard let client = try await services.exchange.store.client(id: id) else {
            printError("no client \(id) is registered")
            throw ExitCode(1)
        }
        let changed = client.applying(change, at: services.exchange.clock(), by: operatorProvenance().recordedBy, reason: reason)
        try await services.exchange.store.updateClient(changed)
        print("client \(id): \(change.name) done; \(describe(changed))")
    }

    /// One line about a client: role, party, state, credentials (fingerprints only).
    static func describe(_ client: RegisteredClient) -> String {
        var parts = [
            "role \(client.role.rawValue)", "party \(client.party)", client.isEnabled ? "enabled" : "disabled since \(client.disabledAt!)",
        ]
        if let key = client.assertionKey, let raw = Data(base64Encoded: key) {
            parts.append("key \(SHA256.hash(data: raw).lowercaseHex.prefix(16))")
        }
        if let fingerprint = client.certificateFingerprint { parts.append("certificate \(fingerprint.prefix(16))") }
        if let sources = client.sources { parts.append("sources \(sources.joined(separator: ","))") }
        return parts.joined(separator: ", ")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the registered clients with their state and credentials (fingerprints, never secrets).")

        @OptionGroup var options: RegisterOptions

        @Flag(help: "Print each client's history of changes too.")
        var history = false

        func run() async throws {
            let services = try await KoppelingApp.open(try options.configuration())
            for client in try await services.exchange.store.clients() {
                print("\(client.id): \(Client.describe(client))")
                if history {
                    for change in client.history ?? [] { print("  \(change.at) \(change.action) by \(change.by): \(change.reason)") }
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a client: it obtains no tokens, its tokens and certificate are refused (within a second on every instance).")

        @OptionGroup var options: RegisterOptions
        @Option(help: "The client id.") var client: String
        @Option(help: "Why (kept in the client's history).") var reason: String

        func run() async throws { try await Client.administer(options, client: client, .disable, reason: reason) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable a disabled client again; it must obtain new tokens (the ones from before stay refused).")

        @OptionGroup var options: RegisterOptions
        @Option(help: "The client id.") var client: String
        @Option(help: "Why (kept in the client's history).") var reason: String

        func run() async throws { try await Client.administer(options, client: client, .enable, reason: reason) }
    }

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Replace a client's assertion key; assertions signed by the old key and tokens issued before are refused.")

        @OptionGroup var options: RegisterOptions
        @Option(help: "The client id.") var client: String
        @Option(help: "The new Ed25519 public key: a .pub file or base64.") var key: String
        @Option(help: "Why (kept in the client's history).") var reason: String

        func run() async throws {
            let publicKey = try Ed25519KeyFile.publicKey(fileOrBase64: key).rawRepresentation.base64EncodedString()
            try await Client.administer(options, client: client, .rotateKey(publicKey), reason: reason)
        }
    }

    struct RotateCertificate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-certificate",
            abstract: "Replace a client's mutual-TLS certificate; the old one is refused within a second.")

        @OptionGroup var options: RegisterOptions
        @Option(help: "The client id.") var client: String
        @Option(help: "The new certificate's SHA-256 fingerprint, hexadecimal.") var certificateFingerprint: String
        @Option(help: "Why (kept in the client's history).") var reason: String

        func run() async throws {
            let fingerprint = certificateFingerprint.lowercased().filter { $0 != ":" }
            guard fingerprint.count == 64, fingerprint.allSatisfy(\.isHexDigit) else {
                throw ValidationError("--certificate-fingerprint must be a SHA-256 fingerprint: 64 hexadecimal digits")
            }
            try await Client.administer(options, client: client, .rotateCertificate(fingerprint), reason: reason)
        }
    }

    struct SetSources: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-sources", abstract: "Set the event sources an agency client may write (kbi for KBI imports).")

        @OptionGroup var options: RegisterOptions
        @Option(help: "The client id.") var client: String
        @Option(help: "The sources, comma-separated, such as kbi,agii.") var sources: String
        @Option(help: "Why (kept in the client's history).") var reason: String

        func run() async throws {
            try await Client.administer(options, client: client, .setSources(try Client.sourceList(sources)), reason: reason)
        }
    }
}
