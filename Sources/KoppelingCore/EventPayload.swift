/// The integration components of BRIEF section 2.
public enum Component: String, Sendable, Hashable, CaseIterable, Codable {
    case socialOrientation = "social_orientation"
    case dutch
    case work
    case participation
}

/// CEFR levels, in order.
public enum CEFRLevel: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case a1 = "A1", a2 = "A2", b1 = "B1", b2 = "B2", c1 = "C1", c2 = "C2"

    public static func < (lhs: CEFRLevel, rhs: CEFRLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The fact an event records, with the members of its `data` object.
public enum EventPayload: Sendable, Hashable {
    case targetGroupDetermined(TargetGroupDetermined)
    case residenceChanged(ResidenceChanged)
    case exemptionGranted(ExemptionGranted)
    case exemptionWithdrawn
    case registered(Registered)
    case postponement(Postponement)
    case contractSigned(ContractSigned)
    case componentResult(ComponentResult)
    case dutchLevelReached(CEFRLevel)
    case certificateIssued(CertificateIssued)
    case infringementRecorded(InfringementRecorded)
    case infringementDecided(InfringementDecided)
    case eventRetracted(EventRetracted)

    /// `target_group_determined`.
    public struct TargetGroupDetermined: Sendable, Hashable {
        public enum Code: String, Sendable, CaseIterable { case ja = "JA", nee = "NEE", toBeDetermined = "NADER_TE_BEPALEN" }
        public enum TargetType: String, Sendable, CaseIterable {
            case obliged = "PLICHT", entitled = "RECHT", entitledObliged = "RECHT_PLICHT", minor = "MINDERJARIG"
            case none = "GEEN", toBeDetermined = "NADER_TE_BEPALEN"

            /// Whether this type carries the integration obligation.
            public var isObliged: Bool { self == .obliged || self == .entitledObliged }
        }
        public var code: Code
        public var targetType: TargetType
        public var periodStart: LocalDate?
        public var periodEnd: LocalDate?

        public init(code: Code, targetType: TargetType, periodStart: LocalDate?, periodEnd: LocalDate?) {
            self.code = code
            self.targetType = targetType
            self.periodStart = periodStart
            self.periodEnd = periodEnd
        }
    }

    /// `residence_changed`.
    public struct ResidenceChanged: Sendable, Hashable {
        public enum Region: String, Sendable, CaseIterable { case flanders, brussels, other }
        public var region: Region
        public var nisCode: String?

        public init(region: Region, nisCode: String? = nil) {
            self.region = region
            self.nisCode = nisCode
        }
    }

    /// `exemption_granted`.
    public struct ExemptionGranted: Sendable, Hashable {
        public enum Category: String, Sendable, CaseIterable {
            case euEeaSwissOrFamily = "eu_eea_swiss_or_family", age65Plus = "age_65_plus", medical
            case dutchDiploma = "dutch_diploma", alreadyCertified = "already_certified", other
        }
        public var category: Category
        public var until: LocalDate?

        public init(category: Category, until: LocalDate?) {
            self.category = category
            self.until = until
        }
    }

    /// `registered`.
    public struct Registered: Sendable, Hashable {
        public enum Kind: String, Sendable, CaseIterable { case first, re }
        public var kind: Kind
        public var agency: String

        public init(kind: Kind, agency: String) {
            self.kind = kind
            self.agency = agency
        }
    }

    /// `postponement`.
    public struct Postponement: Sendable, Hashable {
        public enum Kind: String, Sendable, CaseIterable { case registration, signing, suspension }
        public var kind: Kind
        public var from: LocalDate
        public var until: LocalDate?
        public var reasonCode: String

        public init(kind: Kind, from: LocalDate, until: LocalDate?, reasonCode: String) {
            self.kind = kind
            self.from = from
            self.until = until
            self.reasonCode = reasonCode
        }

        /// Whether the postponement covers a day.
        public func covers(_ date: LocalDate) -> Bool {
            from <= date && (until.map { date <= $0 } ?? true)
        }
    }

    /// `contract_signed`.
    public struct ContractSigned: Sendable, Hashable {
        public var agency: String
        public var components: [Component]

        public init(agency: String, components: [Component]) {
            self.agency = agency
            self.components = components
        }
    }

    /// `component_result`.
    public struct ComponentResult: Sendable, Hashable {
        public enum Decision: String, Sendable, CaseIterable {
            case met, notMet = "not_met", notApplicable = "not_applicable", passed, failed
        }
        public var component: Component
        public var decision: Decision

        public init(component: Component, decision: Decision) {
            self.component = component
            self.decision = decision
        }
    }

    /// `certificate_issued`.
    public struct CertificateIssued: Sendable, Hashable {
        public enum Kind: String, Sendable, CaseIterable {
            case integrationCertificate = "integration_certificate", effortStatement = "effort_statement"
            case exemptionCertificate = "exemption_certificate", priorLearningCertificate = "prior_learning_certificate"
        }
        public var kind: Kind
        public var documentId: String

        public init(kind: Kind, documentId: String) {
            self.kind = kind
            self.documentId = documentId
        }
    }

    /// `infringement_recorded`.
    public struct InfringementRecorded: Sendable, Hashable {
        public enum Kind: String, Sendable, CaseIterable {
            case lateRegistration = "late_registration", refusedContract = "refused_contract"
            case irregularParticipation = "irregular_participation", unlawfulTermination = "unlawful_termination", other
        }
        public var infringementId: String
        public var kind: Kind
        public var noticeOfDefaultOn: LocalDate?

        public init(infringementId: String, kind: Kind, noticeOfDefaultOn: LocalDate?) {
            self.infringementId = infringementId
            self.kind = kind
            self.noticeOfDefaultOn = noticeOfDefaultOn
        }
    }

    /// `infringement_decided`.
    public struct InfringementDecided: Sendable, Hashable {
        public enum Decision: String, Sendable, CaseIterable { case fine, noFollowUp = "no_follow_up" }
        public var infringementId: String
        public var decision: Decision
        public var amountEUR: Int?

        public init(infringementId: String, decision: Decision, amountEUR: Int?) {
            self.infringementId = infringementId
            self.decision = decision
            self.amountEUR = amountEUR
        }
    }

    /// `event_retracted`.
    public struct EventRetracted: Sendable, Hashable {
        public var retractedEventId: EventID
        public var reason: String

        public init(retractedEventId: EventID, reason: String) {
            self.retractedEventId = retractedEventId
            self.reason = reason
        }
    }

    /// The event type this payload belongs to.
    public var type: EventType {
        switch self {
        case .targetGroupDetermined: .targetGroupDetermined
        case .residenceChanged: .residenceChanged
        case .exemptionGranted: .exemptionGranted
        case .exemptionWithdrawn: .exemptionWithdrawn
        case .registered: .registered
        case .postponement: .postponement
        case .contractSigned: .contractSigned
        case .componentResult: .componentResult
        case .dutchLevelReached: .dutchLevelReached
        case .certificateIssued: .certificateIssued
        case .infringementRecorded: .infringementRecorded
        case .infringementDecided: .infringementDecided
        case .eventRetracted: .eventRetracted
        }
    }
}

/// The event types of the register.
public enum EventType: String, Sendable, Hashable, CaseIterable, Codable {
    case targetGroupDetermined = "target_group_determined"
    case residenceChanged = "residence_changed"
    case exemptionGranted = "exemption_granted"
    case exemptionWithdrawn = "exemption_withdrawn"
    case registered
    case postponement
    case contractSigned = "contract_signed"
    case componentResult = "component_result"
    case dutchLevelReached = "dutch_level_reached"
    case certificateIssued = "certificate_issued"
    case infringementRecorded = "infringement_recorded"
    case infringementDecided = "infringement_decided"
    case eventRetracted = "event_retracted"
}
