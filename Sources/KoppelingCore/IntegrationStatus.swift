/// The status a residence decision needs (BRIEF section 3), in rule order.
public enum StatusCode: String, Sendable, Hashable, CaseIterable, Codable {
    case unknown
    case notInTargetGroup = "not_in_target_group"
    case outsideFlemishObligation = "outside_flemish_obligation"
    case entitledNotObliged = "entitled_not_obliged"
    case exempt
    case fulfilledCertificate = "fulfilled_certificate"
    case fulfilledEffortStatement = "fulfilled_effort_statement"
    case suspended
    case registrationWindowOpen = "registration_window_open"
    case nonCompliantFined = "non_compliant_fined"
    case infringementPending = "infringement_pending"
    case registrationOverdue = "registration_overdue"
    case inTrajectory = "in_trajectory"

    /// The Dutch term of BRIEF section 3.
    public var dutchTerm: String {
        switch self {
        case .unknown: "niet gekend"
        case .notInTargetGroup: "geen doelgroep"
        case .outsideFlemishObligation: "Brussels regime"
        case .entitledNotObliged: "rechthebbend"
        case .exempt: "vrijgesteld"
        case .fulfilledCertificate: "inburgeringsattest"
        case .fulfilledEffortStatement: "verklaring van geleverde inspanningen"
        case .suspended: "uitstel / opschorting"
        case .registrationWindowOpen: "aanmeldingstermijn loopt"
        case .nonCompliantFined: "beboet"
        case .infringementPending: "inbreuk vastgesteld"
        case .registrationOverdue: "niet tijdig aangemeld"
        case .inTrajectory: "in traject"
        }
    }
}

/// One reason that led to a status, with its legal reference.
///
/// The engine records the facts (dates, counts) and the text is rendered from them only when it
/// is asked for, so that computing a million statuses does not format a million sentences.
public struct StatusReason: Sendable, Hashable, Encodable {
    /// A stable code, such as `obligation_started`.
    public var code: String
    /// The legal reference, from the configured ``LegalReferences``.
    public var legalReference: String
    /// The day the reason speaks of, if any.
    public var on: LocalDate?
    /// The end day the reason speaks of, if any.
    public var until: LocalDate?
    /// A count the reason speaks of, if any.
    public var count: Int?
    /// A code the reason speaks of (such as an exemption category), if any.
    public var detail: String?

    public init(code: String, legalReference: String, on: LocalDate? = nil, until: LocalDate? = nil, count: Int? = nil, detail: String? = nil) {
        self.code = code
        self.legalReference = legalReference
        self.on = on
        self.until = until
        self.count = count
        self.detail = detail
    }

    /// A sentence for people, in English.
    public var text: String {
        let on = self.on.map(\.description) ?? "?"
        let until = self.until.map(\.description)
        switch code {
        case "no_file": return "The register holds no events for this person effective on or before \(on)."
        case "not_in_target_group": return "Target group determined as NEE (not in the target group)."
        case "in_target_group": return "In the target group."
        case "brussels_resident": return "Living in the Brussels-Capital Region since \(on): the Flemish obligation does not apply."
        case "entitled": return "In the target group as entitled (RECHT), never obliged."
        case "exemption_in_force":
            return "Exemption (\(detail ?? "?")) granted on \(on)\(until.map { " until \($0)" } ?? " without end date")."
        case "exemption_certificate": return "Exemption certificate issued on \(on)."
        case "certificate_issued": return "Integration certificate issued on \(on)."
        case "effort_statement_issued": return "Statement of efforts made issued on \(on)."
        case "postponement_in_force": return "A postponement or suspension covers \(on)."
        case "obligation_started": return "Obliged since \(on)."
        case "registration_window_open": return "Not registered; the registration window runs until \(until ?? "?") inclusive."
        case "fine_decided": return "\(count ?? 0) administrative fine(s) decided, last on \(on); obligation not fulfilled."
        case "infringement_recorded": return "Infringement recorded on \(on), no decision yet."
        case "registration_overdue": return "Not registered; the registration window ended on \(until ?? "?")."
        case "in_trajectory": return "Registered or under contract, obligation not fulfilled."
        case "target_group_undetermined": return "The file holds no determination that places the person under a rule."
        default: return code
        }
    }

    enum CodingKeys: String, CodingKey { case code, text, legalReference }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(text, forKey: .text)
        try container.encode(legalReference, forKey: .legalReference)
    }
}

/// Facts reported beside the status.
public struct StatusFlags: Sendable, Hashable, Codable {
    /// At least one infringement was closed without follow-up (*geen gevolg*).
    public var infringementClosedWithoutFollowUp: Bool
    /// At least one infringement is recorded without a decision.
    public var openInfringement: Bool
    /// How many fines were decided.
    public var finesDecided: Int
    /// The date of the last fine decision.
    public var lastFineDecidedOn: LocalDate?
    /// A postponement or suspension covers the reference date.
    public var postponed: Bool

    public init(
        infringementClosedWithoutFollowUp: Bool = false, openInfringement: Bool = false, finesDecided: Int = 0,
        lastFineDecidedOn: LocalDate? = nil, postponed: Bool = false
    ) {
        self.infringementClosedWithoutFollowUp = infringementClosedWithoutFollowUp
        self.openInfringement = openInfringement
        self.finesDecided = finesDecided
        self.lastFineDecidedOn = lastFineDecidedOn
        self.postponed = postponed
    }

    enum CodingKeys: String, CodingKey {
        case infringementClosedWithoutFollowUp, openInfringement, finesDecided, lastFineDecidedOn, postponed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(infringementClosedWithoutFollowUp, forKey: .infringementClosedWithoutFollowUp)
        try container.encode(openInfringement, forKey: .openInfringement)
        try container.encode(finesDecided, forKey: .finesDecided)
        try container.encode(lastFineDecidedOn, forKey: .lastFineDecidedOn)
        try container.encode(postponed, forKey: .postponed)
    }
}

/// The status of one person for a reference date, as the status engine computes it.
public struct PersonStatus: Sendable, Hashable {
    /// The status code.
    public var status: StatusCode
    /// The day the status began, where the events tell it.
    public var since: LocalDate?
    /// Why, each with its legal reference.
    public var reasons: [StatusReason]
    /// What is reported beside the status.
    public var flags: StatusFlags

    public init(status: StatusCode, since: LocalDate?, reasons: [StatusReason], flags: StatusFlags) {
        self.status = status
        self.since = since
        self.reasons = reasons
        self.flags = flags
    }
}

/// The legal reference for each reason code. The exact articles are open points of the brief,
/// so they are configuration: ``standard`` names the instruments, and an operator can replace
/// any entry with the exact article.
public struct LegalReferences: Sendable, Hashable, Codable {
    /// Reference per reason code.
    public var references: [String: String]
    /// What is used for a reason code without an entry.
    public var fallback: String

    public init(references: [String: String], fallback: String) {
        self.references = references
        self.fallback = fallback
    }

    /// The reference for a reason code.
    public func reference(for code: String) -> String {
        references[code] ?? fallback
    }

    /// The instruments of BRIEF sections 1 and 2, without article numbers (open points).
    public static let standard: LegalReferences = {
        let decree = "Decreet van 7 juni 2013 betreffende het Vlaamse integratie- en inburgeringsbeleid, gewijzigd bij decreet van 9 juli 2021"
        let aliens = "Wet van 15 december 1980, art. 1/2 (redelijke integratie-inspanningen)"
        return LegalReferences(
            references: [
                "no_file": aliens,
                "brussels_resident": "Ordonnantie van de Gemeenschappelijke Gemeenschapscommissie betreffende het inburgeringstraject (Brussels-Hoofdstedelijk Gewest)",
            ],
            fallback: decree)
    }()
}
