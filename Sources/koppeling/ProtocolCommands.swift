public import ArgumentParser
import Crypto
import Foundation
import KoppelingApp
import KoppelingCore
import KoppelingStore

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Signing keys.", subcommands: [Generate.self, Sign.self, Rotate.self])

    /// Rotates the register's own log or batch signing key.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire the register's log, batch or token signing key and make a new one.",
            discussion: """
                What the retired key signed (checkpoints, batch manifests) still verifies: its public part is kept and \
                published beside the new key. Restart every server instance afterwards; until then they sign with the retired key. \
                The token key needs no restart: every instance signs new access tokens with the new key within a second, and \
                accepts tokens signed by the retired key until they expire (one token lifetime, 5 minutes).
                """)

        @OptionGroup var options: RegisterOptions

        @Argument(help: "log, batch or token")
        var key: SigningKey

        func run() async throws {
            let configuration = try options.configuration()
            let store = try await KoppelingApp.openStore(configuration)
            let publicKey = try await key.rotate(in: store)
            switch key {
            case .log: print("new log key: \(NoteVerifier(name: configuration.logOrigin, publicKey: publicKey).verifierKey)")
            case .batch: print("new batch key: \(publicKey.rawRepresentation.base64EncodedString())")
            case .token:
                print("new token key: \(publicKey.rawRepresentation.base64EncodedString())")
                print(
                    """
                    running instances sign with it within a second; tokens signed by the retired key stay valid until they expire (at \
                    most 5 minutes)
                    """
                )
                return
            }
            print("the retired key stays published for verification; restart every server instance to sign with the new key")
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate an Ed25519 key pair.",
            discussion:
                """
                Writes the private key to FILE (mode 0600) and the public key to FILE.pub, both base64 of the raw 32 bytes, and \
                prints the public half.
                """
        )

        @Option(help: "The private key file to write.")
        var out: String

        func run() throws {
            guard !FileManager.default.fileExists(atPath: out) else {
                printError("\(out) exists; not overwriting a key")
                throw ExitCode(1)
            }
            let key = try Ed25519KeyFile.generate(to: out)
            print("public key \(key.publicKey.rawRepresentation.base64EncodedString())")
            print("fingerprint (SHA-256) \(Ed25519KeyFile.fingerprint(key.publicKey))")
            print("written: \(out) (private, keep it secret) and \(out).pub")
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign bytes given in base64 with an Ed25519 private key, offline.",
            discussion:
                """
                Prints the signature (base64) and the public key. The console shows what to sign: a DPO's advice statement, or \
                the fingerprint of a protocol version for a party's controller.
                """
        )

        @Option(help: "The private key file (from koppeling keys generate).")
        var key: String

        @Argument(help: "The bytes to sign, base64.")
        var bytes: String

        func run() throws {
            guard let data = Data(base64Encoded: bytes.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                printError("the bytes to sign must be base64, as the console shows them")
                throw ExitCode(1)
            }
            let privateKey = try Ed25519KeyFile.privateKey(at: key)
            print("signature \(try privateKey.signature(for: data).base64EncodedString())")
            print("public key \(privateKey.publicKey.rawRepresentation.base64EncodedString())")
        }
    }
}

struct Party: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Parties to protocols.", subcommands: [Register.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                """
                Register a party with the public keys its controller signs protocols with and its DPO signs advice with (adds keys to \
                a registered party).
                """
        )

        @OptionGroup var options: RegisterOptions

        @Option(help: "The party's id, as protocols name it (such as agii or dvz).")
        var id: String

        @Option(help: "The party's name.")
        var name: String

        @Option(name: .customLong("key"), help: "A public key of the controller: a .pub file or its base64 text. Repeatable.")
        var keys: [String] = []

        @Option(
            name: .customLong("dpo-key"),
            help: "A public key of the party's DPO, who signs advice with it: a .pub file or its base64 text. Repeatable.")
        var dpoKeys: [String] = []

        func run() async throws {
            let publicKeys = try keys.map { try Ed25519KeyFile.publicKey(fileOrBase64: $0).rawRepresentation.base64EncodedString() }
            let dpoPublicKeys = try dpoKeys.map { try Ed25519KeyFile.publicKey(fileOrBase64: $0).rawRepresentation.base64EncodedString() }
            // One key, one role: a DPO's advice must not be signable with the controller's key.
            guard Set(publicKeys).isDisjoint(with: dpoPublicKeys) else {
                throw ValidationError("a key cannot be both the controller's and the DPO's")
            }
            let services = try await KoppelingApp.open(options.configuration())
            if let existing = try await services.protocols.store.party(id: id),
                !Set(existing.publicKeys).isDisjoint(with: dpoPublicKeys) || !Set(existing.dpoKeys).isDisjoint(with: publicKeys)
            {
                throw ValidationError("a key cannot be both the controller's and the DPO's")
            }
            try await services.protocols.store.registerParty(
                RegisteredParty(id: id, name: name, publicKeys: publicKeys, dpoKeys: dpoPublicKeys))
            let party = try await services.protocols.store.party(id: id)
            print(
                "party \(id) registered with \(party?.publicKeys.count ?? 0) controller key(s) and \(party?.dpoKeys.count ?? 0) DPO key(s)")
        }
    }
}

struct ProtocolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol", abstract: "Data-exchange protocols: validate, submit, advise, sign, publish, suspend, revoke, show.",
        subcommands: [
            Validate.self, Submit.self, Advise.self, Sign.self, Publish.self, Suspend.self, Reinstate.self, ReinstatementStatement.self,
            Revoke.self, Show.self,
        ])

    /// The actor recorded with a transition.
    static var defaultActor: String { "\(ProcessInfo.processInfo.userName)@cli" }

    /// Runs a workflow step and prints the outcome, or the refusal with the allowed transitions.
    static func step(_ body: () async throws -> ProtocolRecord) async throws {
        do {
            let record = try await body()
            print(
                """
                \(record.document.id) version \(record.document.version): \(record.state.rawValue); next: \
                \(record.allowedActions.isEmpty ? "none" : record.allowedActions.joined(separator: ", "))
                """
            )
        } catch let error as ProtocolTransitionError {
            printError("refused: \(error.description)")
            throw ExitCode(1)
        } catch let error as ProtocolStoreError {
            printError(error.description)
            throw ExitCode(1)
        }
    }

    struct VersionArguments: ParsableArguments {
        @Argument(help: "The protocol id.") var id: String
        @Argument(help: "The version.") var version: Int
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a protocol document; every rule broken is named with its line.")
        @Argument(help: "The YAML file.") var file: String

        func run() throws {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                printError("\(file): cannot read the file")
                throw ExitCode(1)
            }
            do {
                let document = try ProtocolDocument.parse(yaml: text)
                print("\(file): valid; \(document.id) version \(document.version), SHA-256 of the canonical form \(document.digestHex)")
            } catch {
                for issue in error.issues { printError("\(file): \(issue.description)") }
                throw ExitCode(1)
            }
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a protocol document as a new version and submit it for DPO advice.")
        @OptionGroup var options: RegisterOptions
        @Option(help: "Who submits (recorded).") var actor = ProtocolCommand.defaultActor
        @Argument(help: "The YAML file.") var file: String

        func run() async throws {
            let document: ProtocolDocument
            do {
                document = try ProtocolDocument.parse(yaml: try String(contentsOfFile: file, encoding: .utf8))
            } catch let error as ProtocolValidationError {
                for issue in error.issues { printError("\(file): \(issue.description)") }
                throw ExitCode(1)
            }
            let services = try await KoppelingApp.open(options.configuration())
            try await ProtocolCommand.step { try await services.protocols.submit(document, actor: actor) }
        }
    }

    struct Advise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a DPO's advice.")
        @OptionGroup var options: RegisterOptions
        @OptionGroup var version: VersionArguments
        @Option(help: "The party whose DPO advises.") var party: String
        @Option(help: "favourable, conditional or unfavourable.") var opinion: String
        @Option(help: "The advice's text.") var text: String
        @Option(help: "The advice's author.") var author: String
        @Option(help: "The advice's date (default: today).") var date: String?
        @Option(help: "The DPO's private key file: the advice is signed with it, and must verify with a DPO key registered for the party.")
        var key: String

        func run() async throws {
            let opinionValue: DPOAdvice.Opinion
            switch opinion {
            case "favourable": opinionValue = .favourable
            case "conditional": opinionValue = .conditional
            case "unfavourable": opinionValue = .unfavourable
            default: throw ValidationError("--opinion must be favourable, conditional or unfavourable")
            }
            let configuration = try options.configuration()
            guard let day = date.map({ LocalDate($0) }) ?? configuration.today() else { throw ValidationError("--date must be YYYY-MM-DD") }
            let dpoKey = try Ed25519KeyFile.privateKey(at: key)
            let services = try await KoppelingApp.open(configuration)
            guard let record = try await services.protocols.store.protocolRecord(id: version.id, version: version.version) else {
                printError(ProtocolStoreError.notFound(id: version.id, version: version.version).description)
                throw ExitCode(1)
            }
            let advice = try DPOAdvice(party: party, opinion: opinionValue, text: text, date: day, author: author).signed(
                with: dpoKey, for: record.document)
            try await ProtocolCommand.step {
                try await services.protocols.advise(id: version.id, version: version.version, advice: advice, actor: author)
            }
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                """
                Sign a protocol version for a party: Ed25519 over the SHA-256 of its canonical form, verified against the party's \
                registered keys.
                """
        )
        @OptionGroup var options: RegisterOptions
        @OptionGroup var version: VersionArguments
        @Option(help: "The signing party.") var party: String
        @Option(help: "The controller's private key file.") var key: String

        func run() async throws {
            let services = try await KoppelingApp.open(options.configuration())
            let privateKey = try Ed25519KeyFile.privateKey(at: key)
            guard let record = try await services.protocols.store.protocolRecord(id: version.id, version: version.version) else {
                printError(ProtocolStoreError.notFound(id: version.id, version: version.version).description)
                throw ExitCode(1)
            }
            let signature = try privateKey.signature(for: Data(record.document.digest))
            try await ProtocolCommand.step {
                try await services.protocols.sign(
                    id: version.id, version: version.version, party: party, publicKey: privateKey.publicKey, signature: signature,
                    actor: party)
            }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a version signed by every party.")
        @OptionGroup var options: RegisterOptions
        @OptionGroup var version: VersionArguments
        @Option(help: "The publication date (default: today).") var on: String?
        @Option(help: "Who publishes (recorded).") var actor = ProtocolCommand.defaultActor

        func run() async throws {
            let configuration = try options.configuration()
            guard let day = on.map({ LocalDate($0) }) ?? configuration.today() else { throw ValidationError("--on must be YYYY-MM-DD") }
            let services = try await KoppelingApp.open(configuration)
            try await ProtocolCommand.step {
                try await services.protocols.publish(id: version.id, version: version.version, on: day, actor: actor)
            }
        }
    }

    /// The options of a step that needs a reason: suspend, reinstate, revoke.
    struct ReasonedStep: ParsableArguments {
        @OptionGroup var options: RegisterOptions
        @OptionGroup var version: VersionArguments
        @Option(help: "Why.") var reason: String
        @Option(help: "Who (recorded).") var actor = ProtocolCommand.defaultActor

        /// Runs one workflow step with these options.
        func run(_ step: @escaping (ProtocolRegistry, String, Int, String, String) async throws -> ProtocolRecord) async throws {
            let services = try await KoppelingApp.open(options.configuration())
            try await ProtocolCommand.step { try await step(services.protocols, version.id, version.version, reason, actor) }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a published version: it authorises nothing until reinstated.")
        @OptionGroup var step: ReasonedStep

        func run() async throws {
            try await step.run { try await $0.suspend(id: $1, version: $2, reason: $3, actor: $4) }
        }
    }

    struct Reinstate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift a suspension, with every party's controller's signature over the reinstatement statement (as for publishing).",
            discussion: """
                Give each party's signature as --key FILE (a controller's private key, here) or as --signature PARTY:PUBLICKEY:SIGNATURE \
                (base64, made elsewhere over the bytes `koppeling protocol reinstatement-statement` prints).
                """)
        @OptionGroup var step: ReasonedStep
        @Option(name: .customLong("key"), help: "A controller's private key file. Repeatable.") var keys: [String] = []
        @Option(name: .customLong("signature"), help: "PARTY:PUBLICKEY:SIGNATURE, base64. Repeatable.") var given: [String] = []

        func run() async throws {
            let services = try await KoppelingApp.open(step.options.configuration())
            guard let record = try await services.protocols.store.protocolRecord(id: step.version.id, version: step.version.version) else {
                printError(ProtocolStoreError.notFound(id: step.version.id, version: step.version.version).description)
                throw ExitCode(1)
            }
            guard let statement = record.reinstatementStatement(reason: step.reason) else {
                printError("cannot reinstate: the protocol is \(record.state.rawValue)")
                throw ExitCode(1)
            }
            var signatures: [ProtocolSignature] = []
            for text in given {
                let parts = text.split(separator: ":").map(String.init)
                guard parts.count == 3 else { throw ValidationError("--signature must be PARTY:PUBLICKEY:SIGNATURE") }
                signatures.append(
                    ProtocolSignature(party: parts[0], publicKey: parts[1], signature: parts[2], signedAt: services.exchange.clock()))
            }
            for file in keys {
                let key = try Ed25519KeyFile.privateKey(at: file)
                let publicKey = key.publicKey.rawRepresentation.base64EncodedString()
                var owner: String?
                for party in record.document.parties
                where try await services.protocols.store.party(id: party.id)?.publicKeys.contains(publicKey) == true {
                    owner = party.id
                }
                guard let owner else { throw ValidationError("\(file) is no registered controller key of a party to this protocol") }
                signatures.append(
                    ProtocolSignature(
                        party: owner, publicKey: publicKey, signature: try key.signature(for: Data(statement)).base64EncodedString(),
                        signedAt: services.exchange.clock()))
            }
            try await ProtocolCommand.step {
                try await services.protocols.reinstate(
                    id: step.version.id, version: step.version.version, reason: step.reason, signatures: signatures, actor: step.actor)
            }
        }
    }

    struct ReinstatementStatement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reinstatement-statement",
            abstract: "Print, base64, the bytes every party's controller signs (Ed25519) to reinstate a suspended version for a reason.")
        @OptionGroup var options: RegisterOptions
        @OptionGroup var version: VersionArguments
        @Option(help: "Why (part of what is signed).") var reason: String

        func run() async throws {
            let services = try await KoppelingApp.open(options.configuration())
            guard let record = try await services.protocols.store.protocolRecord(id: version.id, version: version.version),
                let statement = record.reinstatementStatement(reason: reason)
            else {
                printError("no suspended version \(version.id) \(version.version)")
                throw ExitCode(1)
            }
            print(Data(statement).base64EncodedString())
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a version for good.")
        @OptionGroup var step: ReasonedStep

        func run() async throws {
            try await step.run { try await $0.revoke(id: $1, version: $2, reason: $3, actor: $4) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a protocol's versions, or one version with its advices, signatures and history.")
        @OptionGroup var options: RegisterOptions
        @Argument(help: "The protocol id.") var id: String
        @Argument(help: "The version.") var version: Int?

        func run() async throws {
            let services = try await KoppelingApp.open(options.configuration())
            let records = try await services.protocols.store.protocolRecords().filter {
                $0.document.id == id && (version == nil || $0.document.version == version)
            }
            guard !records.isEmpty else {
                printError("no protocol \(id)\(version.map { " version \($0)" } ?? "")")
                throw ExitCode(1)
            }
            for record in records {
                let d = record.document
                print(
                    """
                    \(d.id) version \(d.version): \(record.state.rawValue)\(record.publishedOn.map { ", published \($0)" } ?? ""); \
                    valid \(d.validFrom) to \(d.validUntil)
                    """
                )
                print("  SHA-256 \(d.digestHex)")
                guard version != nil else { continue }
                for advice in record.advices {
                    print("  advice \(advice.party): \(advice.opinion.rawValue), \(advice.date), \(advice.author)")
                }
                for signature in record.signatures {
                    print("  signed by \(signature.party) at \(signature.signedAt), key \(signature.keyFingerprint)")
                }
                for transition in record.history {
                    print(
                        """
                          \(transition.at) \(transition.actor): \(transition.from?.rawValue ?? "-") -> \
                        \(transition.to.rawValue)\(transition.reason.map { " (\($0))" } ?? "")
                        """
                    )
                }
            }
        }
    }
}

extension SigningKey: ExpressibleByArgument {}
