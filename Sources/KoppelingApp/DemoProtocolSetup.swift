import Crypto
import Foundation
public import KoppelingCore
import KoppelingStore

/// Takes the shipped protocol all the way to published for the demo, with demo keys, so that the
/// register has something to enforce. Never for production: the DPO advices are marked as demo.
public enum DemoProtocolSetup {
    /// Registers the parties with fresh demo keys under `keysFolder`, submits the document, records
    /// a favourable demo advice of each DPO, signs for each party and publishes. A protocol version
    /// that is already stored is left as it is.
    public static func run(
        services: KoppelingServices, documentPath: String, keysFolder: String, today: LocalDate
    ) async throws -> ProtocolRecord {
        let document = try ProtocolDocument.parse(yaml: String(contentsOfFile: documentPath, encoding: .utf8))
        if let existing = try await services.protocols.store.protocolRecord(id: document.id, version: document.version) {
            return existing
        }
        var keys: [String: Data] = [:]
        var dpoKeys: [String: Curve25519.Signing.PrivateKey] = [:]
        for party in document.parties {
            let key = try Ed25519KeyFile.generate(to: "\(keysFolder)/\(party.id).key")
            let dpoKey = try Ed25519KeyFile.generate(to: "\(keysFolder)/\(party.id)-dpo.key")
            try await services.protocols.store.registerParty(
                RegisteredParty(
                    id: party.id, name: party.name, publicKeys: [key.publicKey.rawRepresentation.base64EncodedString()],
                    dpoKeys: [dpoKey.publicKey.rawRepresentation.base64EncodedString()]))
            keys[party.id] = try key.signature(for: Data(document.digest))
            dpoKeys[party.id] = dpoKey
        }
        _ = try await services.protocols.submit(document, actor: "demo")
        for party in document.parties {
            let advice = try DPOAdvice(
                party: party.id, opinion: .favourable, text: "Demo: gunstig advies (geen echt advies).", date: today,
                author: "demo DPO \(party.id)"
            )
            .signed(with: dpoKeys[party.id]!, for: document)
            _ = try await services.protocols.advise(id: document.id, version: document.version, advice: advice, actor: "demo")
        }
        for party in document.parties {
            let key = try Ed25519KeyFile.privateKey(at: "\(keysFolder)/\(party.id).key")
            _ = try await services.protocols.sign(
                id: document.id, version: document.version, party: party.id, publicKey: key.publicKey, signature: keys[party.id]!,
                actor: "demo")
        }
        return try await services.protocols.publish(id: document.id, version: document.version, on: today, actor: "demo")
    }
}
