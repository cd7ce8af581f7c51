public import Crypto

public import struct Foundation.Data

/// Where a protocol version is in its life.
public enum ProtocolState: String, Sendable, Hashable, Codable, CaseIterable {
    case draft
    case inReview = "in_review"
    case advised
    case signed
    case published
    case suspended
    case revoked
    /// A later version of the same protocol was published: this one authorises nothing any more.
    case superseded
}

/// A DPO's advice on a protocol version.
public struct DPOAdvice: Sendable, Hashable, Codable {
    public enum Opinion: String, Sendable, Hashable, Codable, CaseIterable {
        case favourable
        case conditional = "favourable_with_conditions"
        case unfavourable
    }
    /// The party whose DPO advises.
    public var party: String
    public var opinion: Opinion
    public var text: String
    public var date: LocalDate
    public var author: String
    /// The DPO's Ed25519 public key, base64 (raw 32 bytes), registered for the party as a DPO key.
    public var publicKey: String?
    /// The DPO's signature over ``statement(for:)``, base64.
    public var signature: String?

    public init(
        party: String, opinion: Opinion, text: String, date: LocalDate, author: String, publicKey: String? = nil, signature: String? = nil
    ) {
        self.party = party
        self.opinion = opinion
        self.text = text
        self.date = date
        self.author = author
        self.publicKey = publicKey
        self.signature = signature
    }

    /// What the DPO signs: the advice and the version it is about (id, version, SHA-256 of the
    /// canonical form), as canonical JSON bytes.
    public func statement(for document: ProtocolDocument) -> [UInt8] {
        Array(
            JSONValue.object([
                "statement": .string("koppeling-dpo-advice"), "protocol": .string(document.id),
                "version": .integer(Int64(document.version)),
                "digest": .string(document.digestHex), "party": .string(party), "opinion": .string(opinion.rawValue), "text": .string(text),
                "date": .string(date.description), "author": .string(author),
            ]).canonicalText.utf8)
    }

    /// This advice signed with a DPO's key.
    public func signed(with key: Curve25519.Signing.PrivateKey, for document: ProtocolDocument) throws -> DPOAdvice {
        var advice = self
        advice.publicKey = key.publicKey.rawRepresentation.base64EncodedString()
        advice.signature = try key.signature(for: Data(statement(for: document))).base64EncodedString()
        return advice
    }

    /// Whether the advice carries a signature that verifies with one of `keys` (the party's DPO keys).
    public func isSigned(for document: ProtocolDocument, by keys: [Curve25519.Signing.PublicKey]) -> Bool {
        guard let publicKey, let signature, let raw = Data(base64Encoded: publicKey), let signed = Data(base64Encoded: signature),
            let key = keys.first(where: { $0.rawRepresentation == raw })
        else { return false }
        return key.isValidSignature(signed, for: Data(statement(for: document)))
    }

    /// The SHA-256 fingerprint of the DPO's key, hexadecimal, when signed.
    public var keyFingerprint: String? {
        publicKey.flatMap { Data(base64Encoded: $0) }.map { SHA256.hash(data: $0).lowercaseHex }
    }
}

/// A controller's signature over the SHA-256 of a protocol version's canonical form.
public struct ProtocolSignature: Sendable, Hashable, Codable {
    public var party: String
    /// The Ed25519 public key, base64 (raw 32 bytes).
    public var publicKey: String
    /// The signature, base64 (64 bytes).
    public var signature: String
    public var signedAt: Instant

    public init(party: String, publicKey: String, signature: String, signedAt: Instant) {
        self.party = party
        self.publicKey = publicKey
        self.signature = signature
        self.signedAt = signedAt
    }

    /// The SHA-256 fingerprint of the public key, hexadecimal, as the publication shows it.
    public var keyFingerprint: String {
        let raw = Data(base64Encoded: publicKey) ?? Data()
        return SHA256.hash(data: raw).lowercaseHex
    }
}

/// One recorded transition: who, when, why.
public struct ProtocolTransition: Sendable, Hashable, Codable {
    public var from: ProtocolState?
    public var to: ProtocolState
    public var actor: String
    public var at: Instant
    public var reason: String?
}

/// A transition that is not allowed now.
public struct ProtocolTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The state the version is in.
    public var state: ProtocolState
    /// The action refused.
    public var action: String
    /// The actions allowed in this state.
    public var allowed: [String]
    /// Why, beyond the state.
    public var detail: String?
    /// The same in Dutch, for the console.
    public var detailNL: String?

    public init(state: ProtocolState, action: String, allowed: [String], detail: String? = nil, nl: String? = nil) {
        self.state = state
        self.action = action
        self.allowed = allowed
        self.detail = detail
        self.detailNL = nl
    }

    /// The refusal in Dutch, as the console explains it.
    public var dutch: String {
        let allowedNL = allowed.map(Self.dutch(action:))
        let step = Self.dutch(action: action)
        let why = detailNL.map { " (\($0))" } ?? ""
        return """
            \(step.prefix(1).uppercased() + step.dropFirst()) kan nu niet: het protocol is \(state.label.nl)\(why); \
            wat nu kan: \(allowedNL.isEmpty ? "niets" : allowedNL.joined(separator: ", "))
            """
    }

    /// A workflow step's name in Dutch.
    public static func dutch(action: String) -> String {
        switch action {
        case "submit": "indienen"
        case "advise": "adviseren"
        case "sign": "ondertekenen"
        case "publish": "bekendmaken"
        case "suspend": "schorsen"
        case "reinstate": "herstellen"
        case "supersede": "vervangen"
        case "revoke": "herroepen"
        default: action
        }
    }

    public var description: String {
        """
        cannot \(action): the protocol is \(state.rawValue)\(detail.map { " (\($0))" } ?? ""); allowed: \
        \(allowed.isEmpty ? "none" : allowed.joined(separator: ", "))
        """
    }
}

/// A protocol version with its life: advices, signatures, publication and every transition.
/// Transitions are pure: each returns the new record or refuses with the state and what is allowed.
public struct ProtocolRecord: Sendable, Hashable, Codable {
    public var document: ProtocolDocument
    public var state: ProtocolState
    public var advices: [DPOAdvice]
    public var signatures: [ProtocolSignature]
    public var publishedOn: LocalDate?
    public var history: [ProtocolTransition]

    /// A new draft.
    public init(draft document: ProtocolDocument, actor: String, at: Instant) {
        self.document = document
        self.state = .draft
        self.advices = []
        self.signatures = []
        self.publishedOn = nil
        self.history = [ProtocolTransition(from: nil, to: .draft, actor: actor, at: at, reason: "drafted")]
    }

    /// The actions allowed in the current state.
    public var allowedActions: [String] {
        switch state {
        case .draft: ["submit"]
        case .inReview: ["advise"]
        case .advised: hasUnfavourableAdvice ? [] : ["sign"]
        case .signed: ["publish"]
        case .published: ["suspend", "revoke"]
        case .suspended: ["reinstate", "revoke"]
        case .revoked, .superseded: []
        }
    }

    /// An unfavourable advice blocks signing until a new version.
    public var hasUnfavourableAdvice: Bool { advices.contains { $0.opinion == .unfavourable } }

    /// Every party has signed.
    public var isSignedByAll: Bool {
        document.parties.allSatisfy { party in signatures.contains { $0.party == party.id } }
    }

    private func refuse(_ action: String, _ detail: String? = nil, nl: String? = nil) -> ProtocolTransitionError {
        ProtocolTransitionError(state: state, action: action, allowed: allowedActions, detail: detail, nl: nl)
    }

    private mutating func move(to next: ProtocolState, actor: String, at: Instant, reason: String?) {
        history.append(ProtocolTransition(from: state, to: next, actor: actor, at: at, reason: reason))
        state = next
    }

    /// draft → in_review.
    public func submitted(actor: String, at: Instant) throws(ProtocolTransitionError) -> ProtocolRecord {
        guard state == .draft else { throw refuse("submit") }
        var next = self
        next.move(to: .inReview, actor: actor, at: at, reason: "submitted for DPO advice")
        return next
    }

    /// Records one DPO's advice; with one advice from each party the version is `advised`.
    /// Records a DPO's advice, which must be signed with one of `dpoKeys`, the keys registered for
    /// the party's DPO: staff cannot post an advice in a DPO's name.
    public func advised(
        _ advice: DPOAdvice, dpoKeys: [Curve25519.Signing.PublicKey], actor: String, at: Instant
    ) throws(ProtocolTransitionError) -> ProtocolRecord {
        guard state == .inReview else { throw refuse("advise") }
        guard document.parties.contains(where: { $0.id == advice.party }) else {
            throw refuse("advise", "\(advice.party) is not a party to this protocol", nl: "\(advice.party) is geen partij bij dit protocol")
        }
        guard !advices.contains(where: { $0.party == advice.party }) else {
            throw refuse("advise", "the DPO of \(advice.party) has already advised", nl: "de DPO van \(advice.party) heeft al geadviseerd")
        }
        guard advice.isSigned(for: document, by: dpoKeys) else {
            throw refuse(
                "advise", "the advice is not signed with a DPO key registered for \(advice.party)",
                nl: "het advies is niet ondertekend met een DPO-sleutel die voor \(advice.party) geregistreerd is")
        }
        var next = self
        next.advices.append(advice)
        next.history.append(
            ProtocolTransition(
                from: state, to: state, actor: actor, at: at, reason: "advice of the DPO of \(advice.party): \(advice.opinion.rawValue)"))
        if document.parties.allSatisfy({ party in next.advices.contains { $0.party == party.id } }) {
            next.move(
                to: .advised, actor: actor, at: at,
                reason: next.hasUnfavourableAdvice ? "advised; an unfavourable advice blocks signing" : "advised")
        }
        return next
    }

    /// Adds a controller's signature after verifying it against the party's registered keys; with
    /// every party's signature the version is `signed`.
    public func signed(
        party: String, publicKey: Curve25519.Signing.PublicKey, signature: Data, registeredKeys: [Curve25519.Signing.PublicKey],
        actor: String, at: Instant
    ) throws(ProtocolTransitionError) -> ProtocolRecord {
        guard state == .advised else { throw refuse("sign") }
        guard !hasUnfavourableAdvice else {
            throw refuse(
                "sign", "an unfavourable advice blocks signing until a new version",
                nl: "een ongunstig advies verhindert ondertekening tot een nieuwe versie")
        }
        guard document.parties.contains(where: { $0.id == party }) else {
            throw refuse("sign", "\(party) is not a party to this protocol", nl: "\(party) is geen partij bij dit protocol")
        }
        guard !signatures.contains(where: { $0.party == party }) else {
            throw refuse("sign", "\(party) has already signed", nl: "\(party) heeft al ondertekend")
        }
        guard registeredKeys.contains(where: { $0.rawRepresentation == publicKey.rawRepresentation }) else {
            throw refuse("sign", "the key is not registered for \(party)", nl: "de sleutel is niet geregistreerd voor \(party)")
        }
        guard publicKey.isValidSignature(signature, for: Data(document.digest)) else {
            throw refuse(
                "sign", "the signature does not verify against the SHA-256 of this version's canonical form",
                nl: "de handtekening klopt niet met de SHA-256 van de canonieke vorm van deze versie")
        }
        var next = self
        next.signatures.append(
            ProtocolSignature(
                party: party, publicKey: publicKey.rawRepresentation.base64EncodedString(), signature: signature.base64EncodedString(),
                signedAt: at))
        if next.isSignedByAll {
            next.move(to: .signed, actor: actor, at: at, reason: "signed by \(party); signed by every party")
        } else {
            next.history.append(ProtocolTransition(from: .advised, to: .advised, actor: actor, at: at, reason: "signed by \(party)"))
        }
        return next
    }

    /// signed by every party → published.
    public func published(on date: LocalDate, actor: String, at: Instant) throws(ProtocolTransitionError) -> ProtocolRecord {
        guard state == .signed else { throw refuse("publish") }
        var next = self
        next.publishedOn = date
        next.move(to: .published, actor: actor, at: at, reason: "published on \(date)")
        return next
    }

    /// published → suspended.
    public func suspended(reason: String, actor: String, at: Instant) throws(ProtocolTransitionError) -> ProtocolRecord {
        guard state == .published else { throw refuse("suspend") }
        var next = self
        next.move(to: .suspended, actor: actor, at: at, reason: reason)
        return next
    }

    /// suspended → published.
    /// What every party's controller signs to reinstate a suspended version: the version (id,
    /// version, SHA-256), the instant of the suspension it lifts (so that a signature cannot lift a
    /// later one) and the reason, as canonical JSON bytes.
    public func reinstatementStatement(reason: String) -> [UInt8]? {
        guard state == .suspended, let suspendedAt = history.last(where: { $0.to == .suspended })?.at else { return nil }
        return Array(
            JSONValue.object([
                "statement": .string("koppeling-reinstate"), "protocol": .string(document.id), "version": .integer(Int64(document.version)),
                "digest": .string(document.digestHex), "suspendedAt": .string(suspendedAt.description), "reason": .string(reason),
            ]).canonicalText.utf8)
    }

    /// suspended → published, with the same signatures as publishing: every party's controller
    /// signs ``reinstatementStatement(reason:)`` with a key registered for the party
    /// (`registeredKeys` by party id).
    public func reinstated(
        reason: String, signatures: [ProtocolSignature], registeredKeys: [String: [Curve25519.Signing.PublicKey]], actor: String,
        at: Instant
    ) throws(ProtocolTransitionError) -> ProtocolRecord {
        guard state == .suspended, let statement = reinstatementStatement(reason: reason) else { throw refuse("reinstate") }
        for party in document.parties {
            let valid = signatures.contains { signature in
                guard signature.party == party.id, let raw = Data(base64Encoded: signature.publicKey),
                    let signed = Data(base64Encoded: signature.signature),
                    let key = registeredKeys[party.id]?.first(where: { $0.rawRepresentation == raw })
                else { return false }
                return key.isValidSignature(signed, for: Data(statement))
            }
            guard valid else {
                throw refuse(
                    "reinstate", "no valid signature of \(party.id) over the reinstatement statement with a registered key",
                    nl: "geen geldige handtekening van \(party.id) met een geregistreerde sleutel onder de verklaring van herstel")
            }
        }
        var next = self
        next.move(to: .published, actor: actor, at: at, reason: reason)
        return next
    }

    /// published or suspended → superseded, when a later version of the protocol is published.
    public func superseded(by version: Int, actor: String, at: Instant) throws(ProtocolTransitionError) -> ProtocolRecord {
        guard state == .published || state == .suspended, version > document.version else { throw refuse("supersede") }
        var next = self
        next.move(to: .superseded, actor: actor, at: at, reason: "superseded by version \(version)")
        return next
    }

    /// published or suspended → revoked, for good.
    public func revoked(reason: String, actor: String, at: Instant) throws(ProtocolTransitionError) -> ProtocolRecord {
        guard state == .published || state == .suspended else { throw refuse("revoke") }
        var next = self
        next.move(to: .revoked, actor: actor, at: at, reason: reason)
        return next
    }
}

extension ProtocolRecord {
    /// The record a workflow transition makes of this one. The document of a version never
    /// changes, only its life does: a transition that changes it is refused.
    public func applying(_ transition: (ProtocolRecord) throws -> ProtocolRecord) throws -> ProtocolRecord {
        let next = try transition(self)
        guard next.document == document else { throw ProtocolRecordError.documentChanged(id: document.id, version: document.version) }
        return next
    }
}

/// A transition that broke the rule that a version's document never changes.
public enum ProtocolRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    case documentChanged(id: String, version: Int)

    public var description: String {
        switch self {
        case .documentChanged(let id, let version): "a transition tried to change the document of \(id) version \(version)"
        }
    }
}
