import ArgumentParser
import Crypto
import Foundation
import KoppelingApp
import KoppelingCore
import KoppelingStore

struct Client: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Client systems of the parties.", subcommands: [Register.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client system of a party, with the key its token assertions are signed with (private_key_jwt, EdDSA).")

        @OptionGroup var options: RegisterOptions

        @Option(help: "The party the client belongs to (such as dvz).")
        var party: String

        @Option(help: "A name for people.")
        var name: String

        @Option(help: "recipient, agency, staff or citizen-portal.")
        var role: String

        @Option(help: "The client's id (default: PARTY-NAME in lowercase with hyphens).")
        var id: String?

        @Option(help: "The Ed25519 public key its assertions are signed with: a .pub file or base64.")
        var key: String?

        @Option(help: "The SHA-256 fingerprint of its mutual-TLS client certificate, hexadecimal.")
        var certificateFingerprint: String?

        @Option(help: "Lookups per minute it may make.")
        var ratePerMinute = 600

        func run() async throws {
            guard let clientRole = ClientRole(rawValue: role) else {
                throw ValidationError("--role must be one of \(ClientRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let clientId = id ?? "\(party)-\(name)".lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            let publicKey = try key.map { try Ed25519KeyFile.publicKey(fileOrBase64: $0).rawRepresentation.base64EncodedString() }
            let services = try await KoppelingApp.open(options.configuration())
            guard try await services.exchange.store.client(id: clientId) == nil else {
                printError("a client \(clientId) is already registered")
                throw ExitCode(1)
            }
            try await services.exchange.store.registerClient(RegisteredClient(
                id: clientId, party: party, name: name, role: clientRole, assertionKey: publicKey,
                certificateFingerprint: certificateFingerprint?.lowercased(), ratePerMinute: ratePerMinute))
            print("client \(clientId) registered for party \(party) with role \(clientRole.rawValue)")
        }
    }
}
