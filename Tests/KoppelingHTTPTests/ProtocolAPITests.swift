import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import KoppelingStore
import KoppelingStoreSQLite
import KoppelingTestSupport
import Testing

@Suite("Protocol HTTP API")
struct ProtocolAPITests {
    static let today = LocalDate("2026-11-29")!
    static let yaml = try! String(
        contentsOf: TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml"), encoding: .utf8)
    static let base = "/v1/protocols/kbi-dvz-integration-efforts/versions/2"

    func withApp(_ body: @Sendable (any TestClientProtocol, ProtocolRegistry) async throws -> Void) async throws {
        let store = try SQLiteRegisterStore()
        let services = try await KoppelingApp.services(store: store, configuration: .forTests, today: { Self.today })
        let token = try await accessToken(role: .staff, services: services)
        let app = Application(router: KoppelingApp.buildRouter(services: services, today: { Self.today }))
        try await app.test(.router) { client in try await body(AuthorizedTestClient(base: client, token: token), services.protocols) }
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    static func post(_ client: some TestClientProtocol, _ path: String, _ body: [String: Any]) async throws -> (Int, [String: Any]) {
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await client.execute(
            uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: data)
        ) { response in
            (Int(response.status.code), try Self.json(response.body))
        }
    }

    @Test("the whole workflow over HTTP, then public reading and the Dutch publication page")
    func workflow() async throws {
        try await withApp { client, protocols in
            let parties = try await TestParties.register(names: ["agii": "AgII", "dvz": "DVZ"], in: protocols.store)
            let (agii, dvz) = (parties.controllers["agii"]!, parties.controllers["dvz"]!)
            let document = try ProtocolDocument.parse(yaml: Self.yaml)
            func adviceBody(
                _ party: String, _ opinion: DPOAdvice.Opinion, _ text: String, _ author: String, key: Curve25519.Signing.PrivateKey? = nil
            ) throws -> [String: Any] {
                let advice = try DPOAdvice(party: party, opinion: opinion, text: text, date: LocalDate("2026-11-20")!, author: author)
                    .signed(with: key ?? parties.dpos[party]!, for: document)
                return [
                    "party": party, "opinion": opinion.rawValue, "text": text, "author": author, "date": "2026-11-20",
                    "publicKey": advice.publicKey!, "signature": advice.signature!,
                ]
            }

            try await client.execute(
                uri: "/v1/protocols", method: .post, headers: [.contentType: "application/yaml"], body: ByteBuffer(string: Self.yaml)
            ) { response in
                #expect(response.status == .created)
                let parsed = try Self.json(response.body)
                #expect(parsed["state"] as? String == "in_review")
            }
            // Not published yet: not public.
            try await client.execute(uri: Self.base, method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            let early = try await Self.post(client, Self.base + "/publish", [:])
            #expect(early.0 == 409)
            #expect(early.1["type"] as? String == "urn:koppeling:problem:protocol-transition-refused")
            #expect((early.1["detail"] as? String)?.contains("in_review") == true)

            // Hole 10: staff cannot post a DPO's advice: unsigned, signed by the controller, or signed by another party's DPO.
            #expect(
                try await Self.post(
                    client, Self.base + "/advices",
                    ["party": "agii", "opinion": "favourable", "text": "Gunstig advies.", "author": "DPO AgII", "date": "2026-11-20"]
                ).0 == 400)
            #expect(
                try await Self.post(
                    client, Self.base + "/advices", try adviceBody("agii", .favourable, "Gunstig advies.", "DPO AgII", key: agii)
                ).0 == 409)
            #expect(
                try await Self.post(
                    client, Self.base + "/advices",
                    try adviceBody("agii", .favourable, "Gunstig advies.", "DPO AgII", key: parties.dpos["dvz"]!)
                ).0 == 409)
            #expect(
                try await Self.post(client, Self.base + "/advices", try adviceBody("agii", .favourable, "Gunstig advies.", "DPO AgII")).0
                    == 200)
            let advised = try await Self.post(
                client, Self.base + "/advices", try adviceBody("dvz", .conditional, "Gunstig mits jaarlijkse audit.", "DPO DVZ"))
            #expect(advised.1["state"] as? String == "advised")
            let digest = try #require(advised.1["digest"] as? String)
            let digestBytes = Data(
                stride(from: 0, to: digest.count, by: 2).map { offset -> UInt8 in
                    let start = digest.index(digest.startIndex, offsetBy: offset)
                    return UInt8(digest[start..<digest.index(start, offsetBy: 2)], radix: 16)!
                })
            for (party, key) in [("agii", agii), ("dvz", dvz)] {
                let answer = try await Self.post(
                    client, Self.base + "/signatures",
                    [
                        "party": party, "publicKey": key.publicKey.rawRepresentation.base64EncodedString(),
                        "signature": try key.signature(for: digestBytes).base64EncodedString(),
                    ])
                #expect(answer.0 == 200)
            }
            let published = try await Self.post(client, Self.base + "/publish", ["date": "2026-11-29"])
            #expect(published.1["state"] as? String == "published")
            #expect(published.1["inForce"] as? Bool == true)

            try await client.execute(uri: "/v1/protocols", method: .get) { response in
                let list = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect(list.count == 1)
                #expect(list.first?["documentHref"] as? String == Self.base + "/document")
            }
            try await client.execute(uri: Self.base, method: .get) { response in
                let body = try Self.json(response.body)
                #expect((body["signatures"] as? [[String: Any]])?.count == 2)
                #expect((body["advices"] as? [[String: Any]])?.count == 2)
            }
            try await client.execute(uri: Self.base + "/document", method: .get) { response in
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: response.body)
                #expect(html.contains("<html lang=\"nl\">"))
                #expect(html.contains("Dienst Vreemdelingenzaken"))
                #expect(html.contains("ART_1_2_INTEGRATION_EFFORTS"))
                #expect(html.contains("bekendgemaakt op 29 november 2026"))
                #expect(html.contains("gunstig advies onder voorwaarden"))
                #expect(html.contains("Gunstig mits jaarlijkse audit."))
                #expect(html.contains(digest))
                #expect(html.contains(Ed25519KeyFile.fingerprint(agii.publicKey)))
                #expect(html.contains(Ed25519KeyFile.fingerprint(dvz.publicKey)))
                // Each advice with the fingerprint of the DPO's key that signed it.
                #expect(html.contains(Ed25519KeyFile.fingerprint(parties.dpos["dvz"]!.publicKey)))
                for field in DisclosureField.allCases {
                    #expect(html.contains(field.dutchLabel.replacingOccurrences(of: "'", with: "&#39;")))
                }
                #expect(html.contains("tien jaar"))
                // The status values, with the new one, in both languages; the notes of version 2.
                #expect(html.contains("<code>undetermined</code></td><td>doelgroep niet bepaald</td><td>groupe cible non déterminé</td>"))
                #expect(html.contains("undetermined (doelgroep niet bepaald"))
                #expect(response.headers[.contentLanguage] == "nl")
                #expect(response.headers[.vary] == "Accept-Language")
            }
            // French for a reader who prefers it; the protocol's own text stays Dutch (authoritative).
            try await client.execute(
                uri: Self.base + "/document", method: .get, headers: [.acceptLanguage: "fr-BE,fr;q=0.9,nl;q=0.8,en;q=0.5"]
            ) { response in
                let html = String(buffer: response.body)
                #expect(response.headers[.contentLanguage] == "fr")
                #expect(html.contains("<html lang=\"fr\">"))
                #expect(html.contains("publié le 29 novembre 2026"))
                #expect(html.contains("Délégué à la protection des données"))
                #expect(html.contains("avis favorable sous conditions"))
                #expect(html.contains("Dienst Vreemdelingenzaken"))
                for field in DisclosureField.allCases {
                    #expect(html.contains(field.frenchLabel.replacingOccurrences(of: "'", with: "&#39;")), "\(field)")
                }
                #expect(!html.contains("Meegedeelde gegevens"))
            }
            // Dutch when French is not preferred, or refused.
            for header in ["nl-BE", "en", "fr;q=0, nl;q=0.5", "de, fr;q=0.4, nl;q=0.5"] {
                try await client.execute(uri: Self.base + "/document", method: .get, headers: [.acceptLanguage: header]) { response in
                    #expect(response.headers[.contentLanguage] == "nl", "\(header)")
                }
            }
            let suspended = try await Self.post(client, Self.base + "/suspend", ["reason": "audit"])
            #expect(suspended.1["inForce"] as? Bool == false)
            #expect(
                try await protocols.policy().decide(
                    party: "dvz", purpose: "ART_1_2_INTEGRATION_EFFORTS", channel: .lookup, fields: nil, on: Self.today)
                    == .denied(.suspended))
            // Reinstating needs both controllers' signatures over the statement, as publishing does.
            #expect(try await Self.post(client, Self.base + "/reinstate", ["reason": "audit closed"]).0 == 400)
            let record = try #require(try await protocols.store.protocolRecord(id: "kbi-dvz-integration-efforts", version: 2))
            let signatures = try parties.reinstatementSignatures(record, reason: "audit closed").map {
                ["party": $0.party, "publicKey": $0.publicKey, "signature": $0.signature]
            }
            #expect(
                try await Self.post(
                    client, Self.base + "/reinstate", ["reason": "audit closed", "signatures": Array(signatures.prefix(1))]
                ).0 == 409)
            let reinstated = try await Self.post(client, Self.base + "/reinstate", ["reason": "audit closed", "signatures": signatures])
            #expect(reinstated.0 == 200 && reinstated.1["state"] as? String == "published")
        }
    }

    @Test("a signature over another document is refused over HTTP")
    func badSignature() async throws {
        try await withApp { client, protocols in
            let parties = try await TestParties.register(in: protocols.store)
            let key = parties.controllers["agii"]!
            try await client.execute(uri: "/v1/protocols", method: .post, body: ByteBuffer(string: Self.yaml)) {
                #expect($0.status == .created)
            }
            let document = try ProtocolDocument.parse(yaml: Self.yaml)
            for party in ["agii", "dvz"] {
                _ = try await protocols.advise(
                    id: document.id, version: document.version, advice: parties.advice(party, for: document, date: Self.today), actor: "dpo"
                )
            }
            let answer = try await Self.post(
                client, Self.base + "/signatures",
                [
                    "party": "agii", "publicKey": key.publicKey.rawRepresentation.base64EncodedString(),
                    "signature": try key.signature(for: Data("another document".utf8)).base64EncodedString(),
                ])
            #expect(answer.0 == 409)
            #expect((answer.1["detail"] as? String)?.contains("does not verify") == true)
        }
    }

    @Test("an invalid document is refused with its lines and rules")
    func invalidDocument() async throws {
        try await withApp { client, _ in
            let broken = Self.yaml.replacingOccurrences(of: "version: 2", with: "version: one").replacingOccurrences(
                of: "  - insz\n", with: "  - insz\n  - medicalReason\n")
            try await client.execute(uri: "/v1/protocols", method: .post, body: ByteBuffer(string: broken)) { response in
                #expect(response.status == .unprocessableContent)
                let body = try Self.json(response.body)
                #expect(body["type"] as? String == "urn:koppeling:problem:invalid-protocol")
                let errors = try #require(body["errors"] as? [[String: Any]])
                #expect(errors.map { $0["line"] as? Int } == [8, 42])
                #expect(errors.map { $0["pointer"] as? String } == ["version", "fields[1]"])
            }
        }
    }
}
