import Crypto
public import Foundation
import JWTKit
import KoppelingCore
import KoppelingHTTP
import KoppelingKBI

/// The parsers of untrusted input, each as a fuzz target: libFuzzer feeds them bytes
/// (`scripts/fuzz`), and the tests replay every committed corpus file and every crash found
/// through them. Besides not crashing, each checks a property that must hold for what it accepts.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// National numbers, with and without test numbers allowed.
    case nationalNumber = "national-number"
    /// One event's JSON.
    case eventJSON = "event-json"
    /// A request body of events in NDJSON.
    case ndjson
    /// A MAGDA GeefDossierKBI answer.
    case kbi
    /// A protocol document in YAML.
    case protocolYAML = "protocol-yaml"
    /// Signed notes (checkpoints) and verifier keys.
    case signedNote = "signed-note"
    /// Client assertions (private_key_jwt) as the token endpoint checks them.
    case clientAssertion = "client-assertion"

    static let policies = [
        NationalNumber.Policy(allowsTestNumbers: true, currentYear: 2026),
        NationalNumber.Policy(allowsTestNumbers: false, currentYear: 2026),
    ]
    /// A fixed log key and a fixed client key, so that runs are reproducible.
    static let noteKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32))
    static let clientKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 9, count: 32))

    /// Runs one input through the target; a violated property stops the process (a crash for libFuzzer).
    public func run(_ bytes: [UInt8]) async {
        switch self {
        case .clientAssertion: await Self.clientAssertion(bytes)
        default: runSynchronously(bytes)
        }
    }

    /// The targets that need no waiting.
    public func runSynchronously(_ bytes: [UInt8]) {
        switch self {
        case .nationalNumber:
            let text = String(decoding: bytes, as: UTF8.self)
            for policy in Self.policies {
                guard let number = try? NationalNumber(text, policy: policy) else { continue }
                let again = try? NationalNumber(number.digits, policy: policy)
                precondition(again == number, "a valid number's digits must parse to the same number")
                precondition(number.digits.count == 11 && number.digits.allSatisfy(\.isNumber))
            }
        case .eventJSON:
            for policy in Self.policies {
                let parsed: Event?
                do throws(EventValidationError) {
                    parsed = try bytes.withUnsafeBufferPointer { buffer throws(EventValidationError) in
                        try Event.parse(json: buffer, policy: policy)
                    }
                } catch {
                    parsed = nil
                }
                guard let event = parsed else { continue }
                // What was accepted is written back in a form that reads as the same fact.
                let line = Array(event.jsonLine.utf8)
                let reread = try? line.withUnsafeBufferPointer { buffer throws(EventValidationError) in
                    try Event.parse(json: buffer, policy: policy)
                }
                precondition(reread.map { $0.hasSameContent(as: event) } == true, "an accepted event must read back the same")
            }
        case .ndjson:
            let parsed = bytes.withUnsafeBufferPointer { NDJSONEvents.parse($0, policy: Self.policies[0], limit: 1000) }
            precondition(
                parsed.events.count + parsed.errors.count == min(parsed.lines, 1000), "every line up to the limit is an event or an error")
        case .kbi:
            _ = try? KBIDossierMapper(policy: Self.policies[0]).map(Data(bytes))
        case .protocolYAML:
            guard let document = try? ProtocolDocument.parse(yaml: String(decoding: bytes, as: UTF8.self)) else { return }
            precondition(document.digest.count == 32)
        case .signedNote:
            let text = String(decoding: bytes, as: UTF8.self)
            let verifier = NoteVerifier(name: "koppeling.example/disclosures", publicKey: Self.noteKey.publicKey)
            if let body = verifier.open(text), let checkpoint = Checkpoint(text: body) {
                precondition(Checkpoint(text: checkpoint.text) == checkpoint)
            }
            _ = NoteVerifier(verifierKey: text)
            _ = Checkpoint(text: text)
        case .clientAssertion:
            preconditionFailure("asynchronous")
        }
    }

    /// Inputs that pass the signature checks, made with the fixed keys, for the seed corpora: a
    /// signed checkpoint and a client assertion (valid for a year from `now`).
    public static func signedSeeds(now: Date) async throws -> [(target: FuzzTarget, name: String, bytes: [UInt8])] {
        let signer = NoteSigner(name: "koppeling.example/disclosures", key: noteKey)
        let checkpoint = Checkpoint(origin: "koppeling.example/disclosures", size: 3, root: [UInt8](repeating: 1, count: 32))
        let assertion = try await ClientAssertion.sign(
            key: clientKey, clientId: "dvz-residence", audience: "https://koppeling.example/oauth/token", lifetime: 365 * 86_400,
            jti: "seed")
        return [
            (.signedNote, "signed-checkpoint", Array(try signer.sign(checkpoint.text).utf8)),
            (.clientAssertion, "signed-assertion", Array(assertion.utf8)),
        ]
    }

    static func clientAssertion(_ bytes: [UInt8]) async {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? await JWTKeyCollection().unverified(text, as: ClientAssertion.self)
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PublicKey(backing: clientKey.publicKey))
        _ = try? await keys.verify(text, as: ClientAssertion.self)
    }
}
