import Crypto

/// A data-exchange protocol as the parties draft it (BRIEF section 5): who exchanges what, why,
/// on what legal basis, how, how long, and under which safeguards. The server enforces it field
/// by field and purpose by purpose.
public struct ProtocolDocument: Sendable, Hashable, Codable {
    /// A party to the protocol.
    public struct Party: Sendable, Hashable, Codable {
        public enum Role: String, Sendable, Hashable, Codable, CaseIterable { case provider, recipient }
        /// A contact: a person or a service, with an address.
        public struct Contact: Sendable, Hashable, Codable {
            public var name: String
            public var email: String
            public var phone: String?

            public init(name: String, email: String, phone: String? = nil) {
                self.name = name
                self.email = email
                self.phone = phone
            }
        }
        /// The party's id in this system, such as `agii` or `dvz`.
        public var id: String
        public var role: Role
        public var name: String
        /// The enterprise number (KBO), ten digits.
        public var enterpriseNumber: String
        /// The controller (*verwerkingsverantwoordelijke*).
        public var controller: Contact
        /// The data protection officer.
        public var dpo: Contact

        public init(id: String, role: Role, name: String, enterpriseNumber: String, controller: Contact, dpo: Contact) {
            self.id = id
            self.role = role
            self.name = name
            self.enterpriseNumber = enterpriseNumber
            self.controller = controller
            self.dpo = dpo
        }
    }

    /// A purpose the data may be used for.
    public struct Purpose: Sendable, Hashable, Codable {
        public var code: String
        public var description: String

        public init(code: String, description: String) {
            self.code = code
            self.description = description
        }
    }

    /// A channel the recipient may use, with its periodicity.
    public struct Channel: Sendable, Hashable, Codable {
        public var channel: DisclosureChannel
        public var periodicity: String
        /// For `follow`: the longest period a person may stay on the follow list, in days.
        public var maxFollowDays: Int?

        public init(channel: DisclosureChannel, periodicity: String, maxFollowDays: Int? = nil) {
            self.channel = channel
            self.periodicity = periodicity
            self.maxFollowDays = maxFollowDays
        }

        /// For `batch`: the days between two batch files the periodicity names (Dutch or
        /// English: dagelijks/daily, wekelijks/weekly, maandelijks/monthly), nil if it names none.
        public var batchIntervalDays: Int? {
            let text = periodicity.lowercased()
            let words: [(String, Int)] = [
                ("dagelijks", 1), ("daily", 1), ("elke dag", 1), ("wekelijks", 7), ("weekly", 7), ("elke week", 7),
                ("maandelijks", 30), ("monthly", 30), ("elke maand", 30),
            ]
            return words.first { text.contains($0.0) }?.1
        }
    }

    /// How long data are kept.
    public struct Retention: Sendable, Hashable, Codable {
        /// At the recipient.
        public var recipient: String
        /// Of the access log at the provider.
        public var accessLog: String

        public init(recipient: String, accessLog: String) {
            self.recipient = recipient
            self.accessLog = accessLog
        }
    }

    public var id: String
    public var version: Int
    public var title: String
    public var parties: [Party]
    public var legalBasis: [String]
    public var purposes: [Purpose]
    public var dataSubjects: String
    public var fields: [DisclosureField]
    /// What a field's values mean, by field name, where the protocol spells it out (such as the
    /// status values, or what an empty value says). Optional: a document without notes keeps the
    /// canonical form it had before notes existed.
    public var fieldNotes: [String: String]?
    public var channels: [Channel]
    public var retention: Retention
    public var securityMeasures: [String]
    public var dataSubjectRights: String
    public var prohibitedFurtherProcessing: String
    public var sanctions: String?
    public var validFrom: LocalDate
    public var validUntil: LocalDate

    public init(
        id: String, version: Int, title: String, parties: [Party], legalBasis: [String], purposes: [Purpose], dataSubjects: String,
        fields: [DisclosureField], channels: [Channel], retention: Retention, securityMeasures: [String], dataSubjectRights: String,
        prohibitedFurtherProcessing: String, sanctions: String?, validFrom: LocalDate, validUntil: LocalDate,
        fieldNotes: [String: String]? = nil
    ) {
        self.fieldNotes = fieldNotes
        self.id = id
        self.version = version
        self.title = title
        self.parties = parties
        self.legalBasis = legalBasis
        self.purposes = purposes
        self.dataSubjects = dataSubjects
        self.fields = fields
        self.channels = channels
        self.retention = retention
        self.securityMeasures = securityMeasures
        self.dataSubjectRights = dataSubjectRights
        self.prohibitedFurtherProcessing = prohibitedFurtherProcessing
        self.sanctions = sanctions
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// The party with a role.
    public func party(_ role: Party.Role) -> Party? {
        parties.first { $0.role == role }
    }

    /// The canonical form: JSON with members sorted by name and no white space. What the
    /// controllers sign is the SHA-256 of these bytes.
    public var canonicalJSON: String {
        canonicalValue.canonicalText
    }

    /// The SHA-256 of the canonical form.
    public var digest: [UInt8] {
        Array(SHA256.hash(data: Array(canonicalJSON.utf8)))
    }

    /// The digest in lowercase hexadecimal.
    public var digestHex: String {
        digest.lowercaseHex
    }

    var canonicalValue: JSONValue {
        func contact(_ c: Party.Contact) -> JSONValue {
            var members: [String: JSONValue] = ["name": .string(c.name), "email": .string(c.email)]
            if let phone = c.phone { members["phone"] = .string(phone) }
            return .object(members)
        }
        var members: [String: JSONValue] = [
            "id": .string(id), "version": .integer(Int64(version)), "title": .string(title),
            "parties": .array(
                parties.map {
                    .object([
                        "id": .string($0.id), "role": .string($0.role.rawValue), "name": .string($0.name),
                        "enterpriseNumber": .string($0.enterpriseNumber), "controller": contact($0.controller), "dpo": contact($0.dpo),
                    ])
                }),
            "legalBasis": .array(legalBasis.map { .string($0) }),
            "purposes": .array(purposes.map { .object(["code": .string($0.code), "description": .string($0.description)]) }),
            "dataSubjects": .string(dataSubjects),
            "fields": .array(fields.map { .string($0.rawValue) }),
            "channels": .array(
                channels.map { channel in
                    var object: [String: JSONValue] = [
                        "channel": .string(channel.channel.rawValue), "periodicity": .string(channel.periodicity),
                    ]
                    if let days = channel.maxFollowDays { object["maxFollowDays"] = .integer(Int64(days)) }
                    return .object(object)
                }),
            "retention": .object(["recipient": .string(retention.recipient), "accessLog": .string(retention.accessLog)]),
            "securityMeasures": .array(securityMeasures.map { .string($0) }),
            "dataSubjectRights": .string(dataSubjectRights),
            "prohibitedFurtherProcessing": .string(prohibitedFurtherProcessing),
            "validFrom": .string(validFrom.description), "validUntil": .string(validUntil.description),
        ]
        if let sanctions { members["sanctions"] = .string(sanctions) }
        if let fieldNotes, !fieldNotes.isEmpty { members["fieldNotes"] = .object(fieldNotes.mapValues { .string($0) }) }
        return .object(members)
    }
}
