import ArgumentParser
import Foundation
import KoppelingApp
import KoppelingCore
import KoppelingDemoData
import KoppelingStore

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill a demo register with a synthetic population, print sample statuses and serve it.",
        discussion: "The register is koppeling-demo.sqlite in the working directory; an existing one is reused.")

    @Option(help: "The demo register file.")
    var database = "koppeling-demo.sqlite"

    @Option(help: "How many synthetic persons to generate on first start.")
    var persons = 20_000

    @Option(help: "The seed of the synthetic population.")
    var seed: UInt64 = 1

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port of the plain-HTTP listener.")
    var port = 8080

    @Option(help: "The port of the mutual-TLS listener (0: none).")
    var tlsPort = 8443

    @Option(help: "The folder the demo recipient's credentials are written to.")
    var credentials = "koppeling-demo/credentials"

    @Option(help: "The protocol to set up to published with demo keys.")
    var protocolFile = "protocols/kbi-dvz-integration-efforts.yaml"

    @Flag(help: "Print the samples and exit without serving.")
    var noServe = false

    struct GeneratorSource: EventBatchSource {
        let generator: PopulationGenerator
        var next = 0

        mutating func nextBatch() throws -> [Event]? {
            guard next < generator.persons else { return nil }
            var batch: [Event] = []
            let end = min(next + 2000, generator.persons)
            for index in next..<end { batch += generator.events(ofPerson: index) }
            next = end
            return batch
        }
    }

    func run() async throws {
        var configuration = try KoppelingConfiguration.loadForCommand()
        bootstrapLogging(configuration)
        configuration.databasePath = database
        configuration.host = host
        configuration.port = port
        configuration.allowsTestNumbers = true
        // Synthetic data on one machine: a webhook receiver beside it is allowed.
        configuration.webhookAllowsLocal = true
        let services = try await KoppelingApp.open(configuration)
        let register = services.register
        let generator = PopulationGenerator(seed: seed, persons: persons)
        let counts = try await register.store.counts()
        if counts.events == 0 {
            print("Creating the demo register \(configuration.redactedDatabase) with \(persons) synthetic persons (seed \(seed))...")
            let stopwatch = Stopwatch()
            let source = GeneratorSource(generator: generator)
            let summary = try await register.store.appendStreaming(from: source, provenance: operatorProvenance())
            print("Stored \(summary.stored) events in \(String(format: "%.1f", stopwatch.seconds)) s.")
        } else {
            print("Reusing the demo register \(configuration.redactedDatabase): \(counts.events) events of \(counts.persons) persons.")
        }
        let today = configuration.today()
        print("\nSample statuses on \(today) (synthetic persons):")
        var shown = Set<StatusCode>()
        var example: NationalNumber?
        for index in 0..<min(persons, 5000) {
            let insz = generator.nationalNumber(of: index)
            let status = try await register.status(of: insz, on: today)
            guard !shown.contains(status.status) else { continue }
            shown.insert(status.status)
            if example == nil || status.status == .nonCompliantFined { example = insz }
            let since = status.since.map { " since \($0)" } ?? ""
            print("  \(insz.formatted)  \(status.status.rawValue)\(since): \(status.reasons.last?.text(in: .nl) ?? "")")
        }
        if let example {
            print(
                """
                \nAsk the register on the command line:\n  koppeling status --database \(configuration.redactedDatabase) --insz \
                \(example.digits) --json
                """
            )
        }
        var protocolPurpose: String?
        if FileManager.default.fileExists(atPath: protocolFile) {
            let record = try await DemoProtocolSetup.run(
                services: services, documentPath: protocolFile, keysFolder: "koppeling-demo/keys", today: today)
            protocolPurpose = record.document.purposes.first?.code
            print(
                """

                The shipped protocol \(record.document.id) version \(record.document.version) is \
                \(record.state.rawValue)\(record.publishedOn.map { " since \($0)" } ?? ""), \
                signed with demo keys (koppeling-demo/keys) after demo DPO advices; valid \(record.document.validFrom) to \
                \(record.document.validUntil).
                  its publication page: http://\(host):\(port)/v1/protocols/\(record.document.id)/versions/\(record.document.version)/docu\
                ment
                """)
        } else {
            print("\nNo protocol set up: \(protocolFile) is not here (run the demo from the repository's folder, or pass --protocol).")
        }
        var extraListeners: [KoppelingConfiguration] = []
        if let protocolPurpose, let example {
            let mutualTLSURL = "https://\(host):\(tlsPort)"
            let demo = try await DemoCredentials.prepare(
                folder: credentials, serverFolder: "koppeling-demo/tls", clientId: "demo-dvz-residence", party: "dvz",
                tokenURL: configuration.tokenAudience, mutualTLSURL: mutualTLSURL, purpose: protocolPurpose, store: services.exchange.store)
            if tlsPort != 0 {
                var listener = configuration
                listener.port = tlsPort
                listener.tlsCertificatePath = demo.serverCertificatePath
                listener.tlsKeyPath = demo.serverKeyPath
                listener.clientCAPath = demo.caCertificatePath
                extraListeners.append(listener)
            }
            let body =
                #"""
                {"insz":"\#(example.digits)","purpose":"\#(protocolPurpose)","caseReference":"DEMO-2026-0001",\#
                "referenceDate":"\#(today)"}
                """#
            let c = credentials
            print(
                """

                A demo recipient client \(demo.client.id) (party \(demo.client.party)) is registered; its credentials are in \(c)/
                (client.json, the token-flow key client-assertion-key.pem, the mutual-TLS certificate client.pem and client-key.pem, \
                ca.pem).
                Try a lookup with mutual TLS:
                  curl -s --cacert \(c)/ca.pem --cert \(c)/client.pem --key \(c)/client-key.pem \\
                    -H 'content-type: application/json' -d '\(body)' \(mutualTLSURL)/v1/exchange/lookups
                or with an access token (OAuth 2.0 client credentials, private_key_jwt):
                  ASSERTION=$(swift run -q koppeling client assertion --credentials \(c))
                  TOKEN=$(curl -s http://\(host):\(port)/oauth/token -d grant_type=client_credentials \\
                    -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d client_assertion=$ASSERTION \\
                    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
                  curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
                    -d '\(body)' http://\(host):\(port)/v1/exchange/lookups
                The OpenAPI document: http://\(host):\(port)/openapi.json
                """)
        }
        print("\nThe console: \(configuration.publicBaseURL)/console. One demo user per role, each to enrol once with their link:")
        for role in ConsoleUser.Role.allCases {
            let name = "demo-" + role.rawValue.replacing("_", with: "-")
            let users = services.consoleUsers
            let token: String
            if let existing = try await users.store.consoleUser(name: name) {
                // The register keeps no link, only its digest: a user still to enrol gets a new one.
                guard existing.state == .enrolling else {
                    print("  \(name) (\(role.rawValue)): enrolled")
                    continue
                }
                token = try await users.reset(name: name, by: "demo", reason: "a new link for the demo").token
            } else {
                token = try await users.add(name: name, roles: [role]).token
            }
            print("  \(name) (\(role.rawValue)): \(configuration.publicBaseURL)/console/inschrijven?token=\(token)")
        }
        guard !noServe else { return }
        print("")
        // Standard output is block-buffered when it is not a terminal: show the samples before the server's log.
        fflush(nil)
        try await serve(services: services, configuration: configuration, extraListeners: extraListeners)
    }
}
