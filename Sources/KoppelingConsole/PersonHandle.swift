import Crypto
import Foundation
public import KoppelingCore

/// What a person search asked, sealed into the opaque handle that the result page's address
/// carries instead of the national number: the number, the reason, the dates, the session it
/// belongs to and when it stops working. Sealed with AES-GCM under a key of the register's, so
/// the handle reveals nothing, cannot be altered or made up, works only in the session that made
/// it, and only for ``lifetimeSeconds``.
public struct PersonHandle: Sendable, Hashable {
    public var insz: NationalNumber
    public var purpose: RegisterReadPurpose
    /// The case or work reference the user gave.
    public var reference: String
    /// The day the status is computed for; nil for today.
    public var referenceDate: LocalDate?
    /// The instant the register's knowledge is taken at; nil for now.
    public var knownAt: Instant?
    /// The digest of the session that made it.
    public var session: String
    public var expiresAt: Instant

    /// How long a handle works: a result page can be reloaded or printed for a quarter of an
    /// hour, then the search must be made again.
    public static let lifetimeSeconds: Int64 = 15 * 60

    public init(
        insz: NationalNumber, purpose: RegisterReadPurpose, reference: String, referenceDate: LocalDate?, knownAt: Instant?,
        session: String, expiresAt: Instant
    ) {
        self.insz = insz
        self.purpose = purpose
        self.reference = reference
        self.referenceDate = referenceDate
        self.knownAt = knownAt
        self.session = session
        self.expiresAt = expiresAt
    }

    /// Seals and opens handles with one key.
    public struct Sealer: Sendable {
        let key: SymmetricKey

        /// A sealer with a key derived from a secret of the register's (so every instance on one
        /// register opens the others' handles).
        public init(secret: [UInt8]) {
            key = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: secret), info: Data("koppeling console person handle".utf8), outputByteCount: 32)
        }

        /// The handle as URL-safe base64 text.
        public func seal(_ handle: PersonHandle) throws -> String {
            let fields = [
                handle.insz.digits, handle.purpose.rawValue, handle.reference, handle.referenceDate?.description ?? "",
                handle.knownAt.map { String($0.microsecondsSinceEpoch) } ?? "", handle.session,
                String(handle.expiresAt.microsecondsSinceEpoch),
            ]
            let sealed = try AES.GCM.seal(Data(fields.joined(separator: "\u{1F}").utf8), using: key)
            return sealed.combined!.base64URL
        }

        /// The handle `text` seals, if it is one of ours, unaltered, for `session`, and not
        /// expired at `at`.
        public func open(_ text: String, session: String, at: Instant, policy: NationalNumber.Policy) -> PersonHandle? {
            guard text.utf8.count <= 1024, let bytes = Data(base64URL: text), let box = try? AES.GCM.SealedBox(combined: bytes),
                let plain = try? AES.GCM.open(box, using: key)
            else { return nil }
            let fields = String(decoding: plain, as: UTF8.self).split(separator: "\u{1F}", omittingEmptySubsequences: false).map(
                String.init)
            guard fields.count == 7, let insz = try? NationalNumber(fields[0], policy: policy),
                let purpose = RegisterReadPurpose(rawValue: fields[1]), let expires = Int64(fields[6]), fields[5] == session,
                at.microsecondsSinceEpoch < expires
            else { return nil }
            let referenceDate = fields[3].isEmpty ? nil : LocalDate(fields[3])
            let knownAt = Int64(fields[4]).map(Instant.init(microsecondsSinceEpoch:))
            return PersonHandle(
                insz: insz, purpose: purpose, reference: fields[2], referenceDate: referenceDate, knownAt: knownAt, session: session,
                expiresAt: Instant(microsecondsSinceEpoch: expires))
        }

    }
}
