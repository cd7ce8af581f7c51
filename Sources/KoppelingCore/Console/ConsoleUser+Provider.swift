import Crypto
import Foundation

/// Users signed in by the organisation's OpenID Connect provider: the provider proves who they
/// are (and asks for their second factor); the register keeps a user record so that sessions,
/// disabling and the transparency log work as for local accounts.
extension ConsoleUser {
    /// The sign-in name of the provider's subject: `oidc.` and the subject when that makes a
    /// name, otherwise `oidc.` and 24 hexadecimal digits of the SHA-256 of issuer and subject.
    /// Local names cannot start with `oidc.` (``ConsoleUserAdministration`` refuses them), so
    /// the two kinds never meet.
    public static func providerName(issuer: String, subject: String) -> String {
        let readable = "oidc." + subject.lowercased()
        if isName(readable) && subject == subject.lowercased() { return readable }
        let digest = SHA256.hash(data: Array("\(issuer)\n\(subject)".utf8))
        return "oidc." + digest.prefix(12).lowercaseHex
    }

    /// The user signed in through the provider at `at` with the roles its claim maps to: created
    /// on the first sign-in, its roles replaced by the provider's at every later one (the
    /// provider decides roles). A user an operator disabled stays disabled.
    public static func signedInThroughProvider(
        _ existing: ConsoleUser?, name: String, roles: [Role], at: Instant
    ) throws(Refusal) -> ConsoleUser {
        guard isName(name) else { throw .invalidName(name) }
        guard !roles.isEmpty else { throw .noRole }
        let sorted = Array(Set(roles)).sorted()
        guard var user = existing else {
            return ConsoleUser(
                name: name, roles: sorted, state: .active, passwordHash: nil, totpSecret: nil, lastCodeStep: nil, enrolmentDigest: nil,
                enrolmentExpiresAt: nil, createdAt: at,
                history: [ClientChange(at: at, action: "add", reason: "roles " + sorted.map(\.rawValue).joined(separator: ","), by: "oidc")]
            )
        }
        guard user.state != .disabled else { throw .disabled }
        if user.roles != sorted {
            user.history.append(ClientChange(at: at, action: "roles", reason: sorted.map(\.rawValue).joined(separator: ","), by: "oidc"))
            user.roles = sorted
        }
        user.state = .active
        return user
    }

    /// How the provider's role claim becomes roles: each value the claim holds (a string, or a
    /// list of strings) that the map names gives its roles; values it does not name give none.
    public struct ProviderRoleMap: Sendable, Hashable {
        public var claim: String
        public var values: [String: [Role]]

        public init(claim: String, values: [String: [Role]]) {
            self.claim = claim
            self.values = values
        }

        /// Reads `roles=VALUE:ROLE,VALUE:ROLE` pairs, such as
        /// `KBI_DOSSIER:case_officer,KBI_DPO:dpo`; a value may be named more than once.
        public init?(claim: String, text: String) {
            var values: [String: [Role]] = [:]
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, let role = Role(rawValue: parts[1]) else { return nil }
                values[parts[0], default: []].append(role)
            }
            guard !values.isEmpty, !claim.isEmpty else { return nil }
            self.init(claim: claim, values: values)
        }

        /// The roles the claim's value maps to, each once, in ``Role`` order.
        public func roles(_ value: JSONValue?) -> [Role] {
            let given: [String]
            switch value {
            case .string(let text): given = [text]
            case .array(let items): given = items.compactMap { if case .string(let text) = $0 { text } else { nil } }
            default: given = []
            }
            return Array(Set(given.flatMap { values[$0] ?? [] })).sorted()
        }
    }
}
