import ArgumentParser
import Crypto
import Foundation
import KoppelingApp
import KoppelingCore
import KoppelingStore

struct Batch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Batch files of change notices with signed manifests.", subcommands: [Run.self, Verify.self, Key.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a batch for a client now: its change notices since its previous batch (NDJSON) and a signed manifest.")

        @OptionGroup var options: RegisterOptions

        @Option(help: "The recipient client.")
        var client: String

        @Option(help: "Also write BATCHID.ndjson and BATCHID.manifest.json to this folder.")
        var out: String?

        func run() async throws {
            let services = try await KoppelingApp.open(options.configuration())
            guard let registered = try await services.exchange.store.client(id: client), registered.role == .recipient else {
                printError("no recipient client \(client) is registered")
                throw ExitCode(1)
            }
            guard let batch = try await services.batches.run(client: registered) else {
                print("no change notices for \(client) since its previous batch")
                return
            }
            print("batch \(batch.id): \(batch.recordCount) notice(s), sequence \(batch.firstSequence) to \(batch.lastSequence)")
            if let out {
                guard let stored = try await services.batches.store.batch(id: batch.id, clientId: client) else { throw ExitCode(1) }
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try stored.file.write(toFile: "\(out)/\(batch.id).ndjson", atomically: true, encoding: .utf8)
                try batch.signedManifest.write(toFile: "\(out)/\(batch.id).manifest.json", atomically: true, encoding: .utf8)
                print("written: \(out)/\(batch.id).ndjson and \(out)/\(batch.id).manifest.json")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                """
                Check a batch file against its signed manifest offline: the signature, the SHA-256, the record count and the sequence \
                numbers.
                """
        )

        @Argument(help: "The batch file (NDJSON).")
        var file: String

        @Argument(help: "The signed manifest.")
        var manifest: String

        @Option(help: "The register's batch key: a .pub file or base64 (koppeling batch key).")
        var key: String

        func run() throws {
            let publicKey = try Ed25519KeyFile.publicKey(fileOrBase64: key)
            do {
                let members = try BatchManifest.verify(
                    signedManifest: try String(contentsOfFile: manifest, encoding: .utf8),
                    file: Array(try Data(contentsOf: URL(fileURLWithPath: file))),
                    key: publicKey)
                print("OK \(JSONValue.object(members).canonicalText)")
            } catch let error as BatchManifest.VerificationError {
                print("FAIL: \(error.description)")
                throw ExitCode(1)
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the public key that verifies batch manifests (base64).")

        @OptionGroup var options: RegisterOptions

        func run() async throws {
            let services = try await KoppelingApp.open(options.configuration())
            print(services.batches.publicKey.rawRepresentation.base64EncodedString())
        }
    }
}
