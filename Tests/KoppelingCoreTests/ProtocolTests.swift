import Crypto
import Foundation
import KoppelingCore
import KoppelingTestSupport
import Testing

@Suite("Protocols as code")
struct ProtocolTests {
    static let shipped = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml")
    static let t0 = Instant("2026-11-01T09:00:00Z")!

    static func document() throws -> ProtocolDocument {
        try ProtocolDocument.parse(yaml: String(contentsOf: shipped, encoding: .utf8))
    }

    /// The DPOs' own keys, registered for their parties.
    static let dpoAgii = Curve25519.Signing.PrivateKey()
    static let dpoDvz = Curve25519.Signing.PrivateKey()

    static func advise(
        _ record: ProtocolRecord, provider: DPOAdvice.Opinion = .favourable, recipient: DPOAdvice.Opinion = .favourable
    ) throws -> ProtocolRecord {
        let document = record.document
        return try record.submitted(actor: "staff", at: t0)
            .advised(
                DPOAdvice(party: "agii", opinion: provider, text: "Gunstig.", date: LocalDate("2026-11-02")!, author: "DPO AgII").signed(
                    with: dpoAgii, for: document),
                dpoKeys: [dpoAgii.publicKey], actor: "dpo-agii", at: t0
            )
            .advised(
                DPOAdvice(party: "dvz", opinion: recipient, text: "Gunstig.", date: LocalDate("2026-11-03")!, author: "DPO DVZ").signed(
                    with: dpoDvz, for: document),
                dpoKeys: [dpoDvz.publicKey], actor: "dpo-dvz", at: t0)
    }

    /// Every party's signature over a suspended version's reinstatement statement.
    static func reinstatementSignatures(_ record: ProtocolRecord, reason: String, _ keys: Keys) throws -> [ProtocolSignature] {
        let statement = Data(try #require(record.reinstatementStatement(reason: reason)))
        return try [("agii", keys.agii), ("dvz", keys.dvz)].map { party, key in
            ProtocolSignature(
                party: party, publicKey: key.publicKey.rawRepresentation.base64EncodedString(),
                signature: try key.signature(for: statement).base64EncodedString(), signedAt: t0)
        }
    }

    struct Keys {
        let agii = Curve25519.Signing.PrivateKey()
        let dvz = Curve25519.Signing.PrivateKey()
    }

    static func sign(_ record: ProtocolRecord, _ keys: Keys) throws -> ProtocolRecord {
        let digest = Data(record.document.digest)
        return
            try record
            .signed(
                party: "agii", publicKey: keys.agii.publicKey, signature: keys.agii.signature(for: digest),
                registeredKeys: [keys.agii.publicKey], actor: "agii", at: t0
            )
            .signed(
                party: "dvz", publicKey: keys.dvz.publicKey, signature: keys.dvz.signature(for: digest),
                registeredKeys: [keys.dvz.publicKey], actor: "dvz", at: t0)
    }

    static func published(_ keys: Keys = Keys()) throws -> ProtocolRecord {
        try sign(advise(ProtocolRecord(draft: document(), actor: "staff", at: t0)), keys)
            .published(on: LocalDate("2026-11-10")!, actor: "staff", at: t0)
    }

    @Test("the shipped protocol parses: DVZ, purpose ART_1_2, every field of BRIEF section 4, three channels")
    func shippedProtocol() throws {
        let document = try Self.document()
        #expect(document.id == "kbi-dvz-integration-efforts")
        #expect(document.party(.recipient)?.id == "dvz")
        #expect(document.purposes.map(\.code) == ["ART_1_2_INTEGRATION_EFFORTS"])
        #expect(Set(document.fields) == Set(DisclosureField.allCases))
        #expect(document.channels.map(\.channel) == [.lookup, .follow, .batch])
        #expect(document.digestHex.count == 64)
        // Version 2 spells out the values: the new status among them.
        #expect(document.version == 2)
        #expect(document.fieldNotes?["status"]?.contains("undetermined (doelgroep niet bepaald") == true)
        #expect(document.canonicalJSON.contains("\"fieldNotes\":{"))
        // A document without notes keeps the canonical form it had before notes existed.
        var withoutNotes = document
        withoutNotes.fieldNotes = nil
        #expect(!withoutNotes.canonicalJSON.contains("fieldNotes"))
    }

    @Test(
        "validation names the line and the rule broken",
        arguments: [
            ("version: 2", "version: one", 8, "version", "type"),
            ("  - insz\n", "  - insz\n  - medicalReason\n", 42, "fields[1]", "enum"),
            ("    maxFollowDays: 730\n", "", 72, "channels[1].maxFollowDays", "required"),
            ("validUntil: 2030-12-31", "validUntil: 2025-12-31", 89, "validUntil", "range"),
            ("enterpriseNumber: \"0308.357.753\"", "enterpriseNumber: \"0308.357.754\"", 24, "parties[1].enterpriseNumber", "format"),
            ("dataSubjects:", "colour: blue\ndataSubjects:", 39, "colour", "unknown-member"),
            ("      email: dpo@dvz.example", "      email: dpo-at-dvz", 30, "parties[1].dpo.email", "format"),
            ("periodicity: dagelijks", "periodicity: tweemaal per jaar", 76, "channels[2].periodicity", "schedule"),
            ("  waitingForCourse: De persoon", "  medicalReason: De persoon", 67, "fieldNotes.medicalReason", "unknown-member"),
        ])
    func validation(original: String, replacement: String, line: Int, path: String, rule: String) throws {
        let text = try String(contentsOf: Self.shipped, encoding: .utf8)
        #expect(text.contains(original))
        let changed = text.replacingOccurrences(of: original, with: replacement)
        #expect {
            try ProtocolDocument.parse(yaml: changed)
        } throws: { error in
            guard let issue = (error as? ProtocolValidationError)?.issues.first else { return false }
            return issue.path == path && issue.rule == rule && issue.line == line
        }
    }

    @Test("malformed YAML names its position")
    func malformed() {
        #expect {
            try ProtocolDocument.parse(yaml: "id: x\nparties: [\n  - a\n")
        } throws: { error in
            (error as? ProtocolValidationError)?.issues.first.map { $0.rule == "yaml" && $0.line > 0 } ?? false
        }
    }

    @Test("every legal transition, in order, records who and why")
    func lifecycle() throws {
        let keys = Keys()
        let record = try Self.published(keys)
        #expect(record.state == .published)
        // Each advice and each signature is recorded, besides the state changes.
        #expect(record.history.map(\.to) == [.draft, .inReview, .inReview, .inReview, .advised, .advised, .signed, .published])
        #expect(record.history.allSatisfy { !$0.actor.isEmpty })
        let suspended = try record.suspended(reason: "audit", actor: "staff", at: Self.t0)
        #expect(suspended.state == .suspended)
        let reinstated = try suspended.reinstated(
            reason: "audit closed", signatures: Self.reinstatementSignatures(suspended, reason: "audit closed", keys),
            registeredKeys: ["agii": [keys.agii.publicKey], "dvz": [keys.dvz.publicKey]], actor: "staff", at: Self.t0)
        #expect(reinstated.state == .published)
        let revoked = try reinstated.revoked(reason: "replaced", actor: "staff", at: Self.t0)
        #expect(revoked.state == .revoked)
        #expect(revoked.allowedActions.isEmpty)
    }

    @Test("a transition applied to a stored version keeps its document: one that changes the document is refused")
    func documentNeverChanges() throws {
        let draft = try ProtocolRecord(draft: Self.document(), actor: "staff", at: Self.t0)
        let submitted = try draft.applying { try $0.submitted(actor: "staff", at: Self.t0) }
        #expect(submitted.state != draft.state && submitted.document == draft.document)
        #expect(throws: ProtocolRecordError.documentChanged(id: draft.document.id, version: draft.document.version)) {
            try draft.applying { record in
                var changed = record
                changed.document.version += 1
                return changed
            }
        }
    }

    @Test("illegal transitions are refused with the state and what is allowed")
    func illegal() throws {
        let draft = try ProtocolRecord(draft: Self.document(), actor: "staff", at: Self.t0)
        #expect(throws: ProtocolTransitionError(state: .draft, action: "publish", allowed: ["submit"])) {
            try draft.published(on: LocalDate("2026-11-10")!, actor: "staff", at: Self.t0)
        }
        #expect(throws: ProtocolTransitionError.self) { try draft.suspended(reason: "x", actor: "s", at: Self.t0) }
        #expect(throws: ProtocolTransitionError.self) { try draft.revoked(reason: "x", actor: "s", at: Self.t0) }
        let advised = try Self.advise(draft)
        #expect(throws: ProtocolTransitionError.self) { try advised.submitted(actor: "s", at: Self.t0) }
        #expect(throws: ProtocolTransitionError.self) { try advised.published(on: LocalDate("2026-11-10")!, actor: "s", at: Self.t0) }
        let revoked = try Self.published().revoked(reason: "x", actor: "s", at: Self.t0)
        #expect(throws: ProtocolTransitionError.self) {
            try revoked.reinstated(reason: "x", signatures: [], registeredKeys: [:], actor: "s", at: Self.t0)
        }
    }

    @Test(
        """
        10: an advice counts only when signed by a DPO key registered for its party; reinstating needs every party's signature over \
        the statement of that suspension
        """
    )
    func signedAdviceAndReinstatement() throws {
        let inReview = try ProtocolRecord(draft: Self.document(), actor: "staff", at: Self.t0).submitted(actor: "staff", at: Self.t0)
        let advice = DPOAdvice(party: "dvz", opinion: .favourable, text: "Gunstig.", date: LocalDate("2026-11-03")!, author: "DPO DVZ")
        let dvzKeys = [Self.dpoDvz.publicKey]
        // Unsigned (as staff alone would post it), signed by another key, or altered after signing: refused.
        #expect(throws: ProtocolTransitionError.self) { try inReview.advised(advice, dpoKeys: dvzKeys, actor: "staff", at: Self.t0) }
        #expect(throws: ProtocolTransitionError.self) {
            try inReview.advised(
                advice.signed(with: Curve25519.Signing.PrivateKey(), for: inReview.document), dpoKeys: dvzKeys, actor: "staff", at: Self.t0)
        }
        var altered = try advice.signed(with: Self.dpoDvz, for: inReview.document)
        altered.opinion = .unfavourable
        #expect(throws: ProtocolTransitionError.self) { try inReview.advised(altered, dpoKeys: dvzKeys, actor: "staff", at: Self.t0) }
        // The controller's key is not the DPO's.
        let keys = Keys()
        #expect(throws: ProtocolTransitionError.self) {
            try inReview.advised(advice.signed(with: keys.dvz, for: inReview.document), dpoKeys: dvzKeys, actor: "staff", at: Self.t0)
        }
        let advised = try inReview.advised(
            advice.signed(with: Self.dpoDvz, for: inReview.document), dpoKeys: dvzKeys, actor: "dpo", at: Self.t0)
        #expect(advised.advices.first?.keyFingerprint != nil)

        let registered: [String: [Curve25519.Signing.PublicKey]] = ["agii": [keys.agii.publicKey], "dvz": [keys.dvz.publicKey]]
        let first = try Self.published(keys).suspended(reason: "audit", actor: "staff", at: Self.t0)
        let both = try Self.reinstatementSignatures(first, reason: "closed", keys)
        // Staff alone, one party alone, or signatures over another reason: refused.
        #expect(throws: ProtocolTransitionError.self) {
            try first.reinstated(reason: "closed", signatures: [], registeredKeys: registered, actor: "s", at: Self.t0)
        }
        #expect(throws: ProtocolTransitionError.self) {
            try first.reinstated(reason: "closed", signatures: Array(both.prefix(1)), registeredKeys: registered, actor: "s", at: Self.t0)
        }
        #expect(throws: ProtocolTransitionError.self) {
            try first.reinstated(reason: "other", signatures: both, registeredKeys: registered, actor: "s", at: Self.t0)
        }
        let reinstated = try first.reinstated(reason: "closed", signatures: both, registeredKeys: registered, actor: "s", at: Self.t0)
        #expect(reinstated.state == .published)
        // The same signatures do not lift a later suspension.
        let again = try reinstated.suspended(reason: "second audit", actor: "staff", at: Instant("2026-11-20T09:00:00Z")!)
        #expect(throws: ProtocolTransitionError.self) {
            try again.reinstated(reason: "closed", signatures: both, registeredKeys: registered, actor: "s", at: Self.t0)
        }
    }

    @Test("an unfavourable advice blocks signing")
    func unfavourable() throws {
        let record = try Self.advise(ProtocolRecord(draft: Self.document(), actor: "staff", at: Self.t0), recipient: .unfavourable)
        #expect(record.state == .advised)
        #expect(record.allowedActions.isEmpty)
        let key = Curve25519.Signing.PrivateKey()
        #expect(throws: ProtocolTransitionError.self) {
            try record.signed(
                party: "agii", publicKey: key.publicKey, signature: key.signature(for: Data(record.document.digest)),
                registeredKeys: [key.publicKey], actor: "agii", at: Self.t0)
        }
    }

    @Test("a signature over a changed document, or with an unregistered key, is refused")
    func signatures() throws {
        let record = try Self.advise(ProtocolRecord(draft: Self.document(), actor: "staff", at: Self.t0))
        let key = Curve25519.Signing.PrivateKey()
        var changed = record.document
        changed.fields.removeLast()
        let overChanged = try key.signature(for: Data(changed.digest))
        #expect {
            try record.signed(
                party: "agii", publicKey: key.publicKey, signature: overChanged, registeredKeys: [key.publicKey], actor: "agii", at: Self.t0
            )
        } throws: { error in (error as? ProtocolTransitionError)?.detail?.contains("does not verify") ?? false }
        let good = try key.signature(for: Data(record.document.digest))
        #expect {
            try record.signed(
                party: "agii", publicKey: key.publicKey, signature: good, registeredKeys: [Curve25519.Signing.PrivateKey().publicKey],
                actor: "agii", at: Self.t0)
        } throws: { error in
            // The console explains it in Dutch: the step, the state, why, and what can be done now.
            guard let refusal = error as? ProtocolTransitionError else { return false }
            return refusal.detail?.contains("not registered") == true
                && refusal.dutch == "Ondertekenen kan nu niet: het protocol is geadviseerd (de sleutel is niet geregistreerd voor agii); "
                    + "wat nu kan: \(refusal.allowed.map(ProtocolTransitionError.dutch(action:)).joined(separator: ", "))"
                && refusal.allowed.contains("sign") && ProtocolTransitionError.dutch(action: "sign") == "ondertekenen"
        }
        let once = try record.signed(
            party: "agii", publicKey: key.publicKey, signature: good, registeredKeys: [key.publicKey], actor: "agii", at: Self.t0)
        #expect(once.state == .advised)
        #expect(throws: ProtocolTransitionError.self) {
            try once.signed(
                party: "agii", publicKey: key.publicKey, signature: good, registeredKeys: [key.publicKey], actor: "agii", at: Self.t0)
        }
    }

    @Test("enforcement: only a published protocol in force authorises, and only the fields it lists")
    func enforcement() throws {
        let record = try Self.published()
        let policy = DisclosurePolicy(protocols: [record])
        let purpose = "ART_1_2_INTEGRATION_EFFORTS"
        let inForce = LocalDate("2027-03-01")!
        guard
            case .allowed(let id, let version, let fields) = policy.decide(
                party: "dvz", purpose: purpose, channel: .lookup, fields: nil, on: inForce)
        else {
            Issue.record("expected allowed")
            return
        }
        #expect(id == "kbi-dvz-integration-efforts" && version == 2)
        #expect(Set(fields) == Set(record.document.fields))
        // A field not listed is never allowed.
        var narrower = record
        narrower.document.fields = [.insz, .status]
        let narrow = DisclosurePolicy(protocols: [narrower])
        #expect(
            narrow.decide(party: "dvz", purpose: purpose, channel: .lookup, fields: [.status, .finesDecided], on: inForce)
                == .allowed(protocolId: "kbi-dvz-integration-efforts", version: 2, fields: [.status]))
        #expect(policy.decide(party: "agii", purpose: purpose, channel: .lookup, fields: nil, on: inForce) == .denied(.noProtocol))
        #expect(policy.decide(party: "dvz", purpose: "OTHER", channel: .lookup, fields: nil, on: inForce) == .denied(.noProtocol))
        #expect(
            policy.decide(party: "dvz", purpose: purpose, channel: .lookup, fields: nil, on: LocalDate("2025-12-31")!)
                == .denied(.notYetInForce))
        #expect(
            policy.decide(party: "dvz", purpose: purpose, channel: .lookup, fields: nil, on: LocalDate("2031-01-01")!) == .denied(.expired))
        var lookupOnly = record
        lookupOnly.document.channels = [.init(channel: .lookup, periodicity: "op vraag", maxFollowDays: nil)]
        #expect(
            DisclosurePolicy(protocols: [lookupOnly]).decide(party: "dvz", purpose: purpose, channel: .batch, fields: nil, on: inForce)
                == .denied(.channelNotAllowed))
        let suspended = try record.suspended(reason: "audit", actor: "s", at: Self.t0)
        #expect(
            DisclosurePolicy(protocols: [suspended]).decide(party: "dvz", purpose: purpose, channel: .lookup, fields: nil, on: inForce)
                == .denied(.suspended))
        let revoked = try record.revoked(reason: "x", actor: "s", at: Self.t0)
        #expect(
            DisclosurePolicy(protocols: [revoked]).decide(party: "dvz", purpose: purpose, channel: .lookup, fields: nil, on: inForce)
                == .denied(.revoked))
        let unsigned = try Self.advise(ProtocolRecord(draft: Self.document(), actor: "s", at: Self.t0))
        #expect(
            DisclosurePolicy(protocols: [unsigned]).decide(party: "dvz", purpose: purpose, channel: .lookup, fields: nil, on: inForce)
                == .denied(.notPublished))
    }
}

/// The rule of every delivery path: a stored notice goes out only while its protocol allows it.
@Suite("Notice delivery")
struct NoticeDeliveryTests {
    static let day = LocalDate("2026-11-29")!

    static func notice(_ sequence: Int, fields: [String], version: Int = 2) -> (sequence: Int, body: String) {
        let current = fields.map { "\"\($0)\":null" }.joined(separator: ",")
        return (
            sequence,
            #"""
            {"sequence":\#(sequence),"protocol":{"id":"kbi-dvz-integration-efforts","version":\#(version)},"changed":[],\#
            "current":{\#(current)}}
            """#
        )
    }

    @Test(
        """
        delivered while in force; held while suspended (and all after it); a version that narrows the fields drops the notices \
        carrying more; a disabled client gets nothing
        """
    )
    func verdicts() throws {
        let v2 = try ProtocolTests.published()
        let all = DisclosureField.allCases.map(\.rawValue)
        let notices = [Self.notice(1, fields: all), Self.notice(2, fields: ["status"])]
        let inForce = NoticeDelivery.plan(
            notices, party: "dvz", clientEnabled: true, channel: .follow, policy: DisclosurePolicy(protocols: [v2]), on: Self.day)
        #expect(inForce.deliver == [0, 1] && inForce.lastSettled == 2 && inForce.held == nil)
        #expect(
            NoticeDelivery.plan(
                notices, party: "ibz", clientEnabled: true, channel: .follow, policy: DisclosurePolicy(protocols: [v2]), on: Self.day
            ).dropped.map(\.reason) == ["no_protocol", "no_protocol"])

        let suspended = try v2.suspended(reason: "inquiry", actor: "staff", at: ProtocolTests.t0)
        let held = NoticeDelivery.plan(
            notices, party: "dvz", clientEnabled: true, channel: .follow, policy: DisclosurePolicy(protocols: [suspended]), on: Self.day)
        #expect(held.deliver.isEmpty && held.lastSettled == nil && held.held?.sequence == 1 && held.held?.reason == "suspended")

        var narrower = try ProtocolTests.document()
        narrower.version = 3
        narrower.fields = [.status, .statusSince]
        narrower.fieldNotes = nil
        let v3 = try ProtocolTests.sign(
            ProtocolTests.advise(ProtocolRecord(draft: narrower, actor: "staff", at: ProtocolTests.t0)), ProtocolTests.Keys()
        )
        .published(on: Self.day, actor: "staff", at: ProtocolTests.t0)
        let superseded = try v2.superseded(by: 3, actor: "staff", at: ProtocolTests.t0)
        let narrowed = NoticeDelivery.plan(
            notices, party: "dvz", clientEnabled: true, channel: .follow, policy: DisclosurePolicy(protocols: [superseded, v3]),
            on: Self.day)
        #expect(narrowed.dropped.map(\.sequence) == [1] && narrowed.dropped.first?.reason == "fields_no_longer_granted")
        #expect(narrowed.deliver == [1] && narrowed.lastSettled == 2)

        let disabled = NoticeDelivery.plan(
            notices, party: "dvz", clientEnabled: false, channel: .follow, policy: DisclosurePolicy(protocols: [v2]), on: Self.day)
        #expect(disabled.deliver.isEmpty && disabled.held?.reason == "client_disabled")
    }
}

/// The shipped JSON Schema and the server's validator agree, checked with Python's jsonschema.
@Suite("Protocol JSON Schema")
struct ProtocolSchemaTests {
    @Test(
        "jsonschema accepts the shipped protocol and refuses what the validator refuses",
        .enabled(
            if: NationalNumberOracleTests.oracleAvailable,
            "skipped: no Python with jsonschema and PyYAML (.venv/bin/python); scripts/test creates it"))
    func schema() throws {
        let python = try #require(TestEnvironment.pythonWithStdnum, "KOPPELING_REQUIRE_ALL=1 but no Python with jsonschema and PyYAML")
        let folder = try TestEnvironment.temporaryFolder()
        let text = try String(contentsOf: ProtocolTests.shipped, encoding: .utf8)
        let variants: [(String, String)] = [
            ("version: 2", "version: one"),
            ("  - insz\n", "  - insz\n  - medicalReason\n"),
            ("    maxFollowDays: 730\n", ""),
            ("dataSubjects:", "colour: blue\ndataSubjects:"),
            ("      email: dpo@dvz.example", "      email: dpo-at-dvz"),
            ("  - id: dvz\n    role: recipient", "  - id: dvz\n    role: provider"),
        ]
        var paths = [ProtocolTests.shipped.path]
        for (index, (original, replacement)) in variants.enumerated() {
            let url = folder.appendingPathComponent("variant-\(index).yaml")
            let changed = text.replacingOccurrences(of: original, with: replacement)
            #expect(changed != text)
            try changed.write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
            #expect(throws: ProtocolValidationError.self) { try ProtocolDocument.parse(yaml: changed) }
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [TestEnvironment.packageRoot.appendingPathComponent("Tests/oracle/protocol_schema_oracle.py").path] + paths
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        try #require(lines.count == paths.count)
        #expect(lines[0] == "valid")
        for line in lines.dropFirst() {
            #expect(line.hasPrefix("invalid "), "\(line)")
        }
    }
}
