import Foundation

/// A change to a registered client made by the register's operators: what it does to the client
/// is this type's one rule, whichever tool (the command line, a test) applies it.
public enum ClientAdministration: Sendable, Hashable {
    /// The client can no longer obtain or use tokens, nor use its certificate.
    case disable
    /// A disabled client may again obtain tokens (tokens issued before stay refused).
    case enable
    /// A new assertion key (base64 of the raw Ed25519 public key); tokens issued before are refused.
    case rotateKey(String)
    /// A new mutual-TLS certificate (its SHA-256 fingerprint, hexadecimal); the old one is refused.
    case rotateCertificate(String)
    /// The event sources an agency client may write.
    case setSources([String])

    /// The action's name in the client's history.
    public var name: String {
        switch self {
        case .disable: "disable"
        case .enable: "enable"
        case .rotateKey: "rotate-key"
        case .rotateCertificate: "rotate-certificate"
        case .setSources: "set-sources"
        }
    }
}

/// One entry of a client's history: what was done, when, by whom and why.
public struct ClientChange: Sendable, Hashable, Codable {
    public var at: Instant
    public var action: String
    public var reason: String
    public var by: String

    public init(at: Instant, action: String, reason: String, by: String) {
        self.at = at
        self.action = action
        self.reason = reason
        self.by = by
    }
}

extension RegisteredClient {
    /// Whether the client may authenticate at all.
    public var isEnabled: Bool { disabledAt == nil }

    /// Whether an access token issued at `issuedAt` is still good for this client: not disabled,
    /// and issued at or after the last key rotation or disabling.
    public func accepts(tokenIssuedAt issuedAt: Instant) -> Bool {
        guard isEnabled else { return false }
        guard let from = tokensValidFrom else { return true }
        return issuedAt >= from
    }

    /// The client after `change`, made at `at` by `by` for `reason`, with the change in its history.
    public func applying(_ change: ClientAdministration, at: Instant, by: String, reason: String) -> RegisteredClient {
        var client = self
        switch change {
        case .disable:
            client.disabledAt = at
            client.tokensValidFrom = at
        case .enable:
            client.disabledAt = nil
        case .rotateKey(let key):
            client.assertionKey = key
            client.tokensValidFrom = at
        case .rotateCertificate(let fingerprint):
            client.certificateFingerprint = fingerprint.lowercased()
        case .setSources(let sources):
            client.sources = sources
        }
        client.history = (history ?? []) + [ClientChange(at: at, action: change.name, reason: reason, by: by)]
        return client
    }
}

/// Why a client could not be registered.
public enum ClientRegistrationError: Error, Sendable, Hashable, CustomStringConvertible {
    case sources
    case sourcesForAgencyOnly
    case agencyNeedsSources
    case field(String)

    public var description: String {
        switch self {
        case .sources: "sources must name one or more distinct sources, comma-separated, such as kbi,agii"
        case .sourcesForAgencyOnly: "sources are for agency clients only"
        case .agencyNeedsSources: "an agency client needs sources: the event sources it may write (kbi for KBI imports)"
        case .field(let name): "\(name) must hold 1 to 100 characters"
        }
    }

    /// The refusal in Dutch, for the console.
    public var dutch: String {
        switch self {
        case .sources: "de bronnen moeten een of meer verschillende bronnen noemen, gescheiden door komma's, zoals kbi,agii"
        case .sourcesForAgencyOnly: "alleen een client van een agentschap heeft bronnen"
        case .agencyNeedsSources:
            "een client van een agentschap heeft bronnen nodig: de bronnen die hij mag schrijven (kbi voor KBI-imports)"
        case .field(let name): "\(name) moet 1 tot 100 tekens bevatten"
        }
    }
}

extension RegisteredClient {
    /// The event sources a comma-separated text names: one or more, distinct, 1 to 100 bytes each.
    public static func sources(_ text: String) throws(ClientRegistrationError) -> [String] {
        let list = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !list.isEmpty, list.allSatisfy({ (1...100).contains($0.utf8.count) }), Set(list).count == list.count else {
            throw .sources
        }
        return list
    }

    /// The id a client gets when none is chosen: `PARTY-NAME` in lower case, anything but letters
    /// and digits as `-`.
    public static func defaultId(party: String, name: String) -> String {
        "\(party)-\(name)".lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }

    /// A new client, by the rules every tool registers with: an agency names the sources it may
    /// write, and only an agency does.
    public static func registering(
        id: String?, party: String, name: String, role: ClientRole, assertionKey: String?, certificateFingerprint: String?,
        ratePerMinute: Int, sources: [String]?
    ) throws(ClientRegistrationError) -> RegisteredClient {
        guard (1...100).contains(party.utf8.count) else { throw .field("party") }
        guard (1...100).contains(name.utf8.count) else { throw .field("name") }
        if sources != nil, role != .agency { throw .sourcesForAgencyOnly }
        if role == .agency, sources == nil { throw .agencyNeedsSources }
        return RegisteredClient(
            id: id ?? defaultId(party: party, name: name), party: party, name: name, role: role, assertionKey: assertionKey,
            certificateFingerprint: certificateFingerprint?.lowercased(), ratePerMinute: ratePerMinute, sources: sources)
    }
}
