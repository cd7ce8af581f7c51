/// The integration components of BRIEF section 2.
public enum Component: String, Sendable, Hashable, CaseIterable, Codable {
    case socialOrientation = "social_orientation"
    case dutch
    case work
    case participation
}

/// CEFR levels, in order.
public enum CEFRLevel: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case a1 = "A1"
    case a2 = "A2"
    case b1 = "B1"
    case b2 = "B2"
    case c1 = "C1"
    case c2 = "C2"

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
    case dutchLevelReached(DutchLevelReached)
    case certificateIssued(CertificateIssued)
    case infringementRecorded(InfringementRecorded)
    case infringementDecided(InfringementDecided)
    case eventRetracted(EventRetracted)
    case waitingList(WaitingList)
    case agencyAssigned(AgencyAssigned)

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

    /// `residence_changed`: where the person lives, as the National Register tells it.
    public struct ResidenceChanged: Sendable, Hashable {
        /// Where the residence lies. `other` is outside Flanders and Brussels without saying
        /// whether in Wallonia or abroad (events sent before the two were told apart).
        public enum Region: String, Sendable, CaseIterable {
            case flanders, brussels, wallonia, abroad, other

            /// The region of a Belgian municipality from its five-digit NIS code, by its province
            /// digits: 21 Brussels-Capital; 1, 23, 24, 3, 4, 7 Flanders; 25, 5, 6, 8, 9 Wallonia.
            /// Codes of merged municipalities keep their province's digits, so the rule holds for
            /// every code Statbel has issued. Nil for a code that is not five digits or names no
            /// province.
            public init?(nisCode: String) {
                let digits = Array(nisCode.utf8)
                guard digits.count == 5, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
                switch (digits[0] - 48, digits[1] - 48) {
                case (2, 1): self = .brussels
                case (1, _), (2, 3), (2, 4), (3, _), (4, _), (7, _): self = .flanders
                case (2, 5), (5, _), (6, _), (8, _), (9, _): self = .wallonia
                default: return nil
                }
            }
        }
        public var region: Region
        /// The NIS code of the municipality (five digits), for a residence in Belgium.
        public var nisCode: String?
        /// The ISO 3166-1 alpha-2 code of the country, for a residence abroad.
        public var country: String?

        public init(region: Region, nisCode: String? = nil, country: String? = nil) {
            self.region = region
            self.nisCode = nisCode
            self.country = country
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
        /// The regime the contract was signed under, which sets the Dutch target.
        public enum Regime: String, Sendable, CaseIterable {
            /// The renewed regulation in force from 1 March 2022: Dutch A2, closed by a test.
            case decree2022 = "2022"
            /// The earlier regimes: Dutch A1.
            case earlier = "pre_2022"
        }
        public var agency: String
        public var components: [Component]
        /// The regime, when the sender says it; otherwise the signing date decides.
        public var regime: Regime?

        public init(agency: String, components: [Component], regime: Regime? = nil) {
            self.agency = agency
            self.components = components
            self.regime = regime
        }
    }

    /// `component_result`.
    public struct ComponentResult: Sendable, Hashable {
        public enum Decision: String, Sendable, CaseIterable {
            case met, notMet = "not_met", notApplicable = "not_applicable", passed, failed

            /// Met or passed.
            public var isMet: Bool { self == .met || self == .passed }
        }
        public var component: Component
        public var decision: Decision
        /// For the Dutch component: the level of the module the decision is about (nil: the
        /// component as a whole).
        public var level: CEFRLevel?

        public init(component: Component, decision: Decision, level: CEFRLevel? = nil) {
            self.component = component
            self.decision = decision
            self.level = level
        }
    }

    /// `dutch_level_reached`.
    public struct DutchLevelReached: Sendable, Hashable {
        public var level: CEFRLevel
        /// Whether the level was shown by passing a test (the 2022 regime asks for one).
        public var tested: Bool

        public init(level: CEFRLevel, tested: Bool = false) {
            self.level = level
            self.tested = tested
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
        /// The authority the infringement is reported to for sanctions. Only ABB (the Agency for
        /// Home Affairs, *Agentschap Binnenlands Bestuur*) decides the administrative fines of the
        /// integration obligation; the others attach their own consequences.
        public enum Authority: String, Sendable, CaseIterable {
            case abb, vdab, ocmw, vmsw
        }
        public var infringementId: String
        public var kind: Kind
        public var noticeOfDefaultOn: LocalDate?
        /// ABB when the sender does not say (what every sender meant before the member existed).
        public var authority: Authority

        public init(infringementId: String, kind: Kind, noticeOfDefaultOn: LocalDate?, authority: Authority = .abb) {
            self.infringementId = infringementId
            self.kind = kind
            self.noticeOfDefaultOn = noticeOfDefaultOn
            self.authority = authority
        }
    }

    /// `infringement_decided`: what became of an infringement.
    public struct InfringementDecided: Sendable, Hashable {
        /// A fine, no follow-up (*geen gevolg*), or a rectification (*rechtzetting*: the person put
        /// things right, so no fine follows).
        public enum Decision: String, Sendable, CaseIterable { case fine, noFollowUp = "no_follow_up", rectified }
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

    /// `waiting_list`: the person waits for a course (KBI `Wachtlijst`).
    public struct WaitingList: Sendable, Hashable {
        /// The last day on the list; nil while the person still waits.
        public var until: LocalDate?
        /// The course or module code the person waits for, as the source gives it.
        public var course: String?

        public init(until: LocalDate?, course: String? = nil) {
            self.until = until
            self.course = course
        }
    }

    /// `agency_assigned`: the integration agency that follows the person from the effective date
    /// (KBI: the `Beheerder` of an integration trajectory).
    public struct AgencyAssigned: Sendable, Hashable {
        /// The agency's code: its enterprise (KBO) number or a short name (see ``AgencyDirectory``).
        public var agency: String
        /// The last day it follows the person; nil while it does.
        public var until: LocalDate?

        public init(agency: String, until: LocalDate?) {
            self.agency = agency
            self.until = until
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
        case .waitingList: .waitingList
        case .agencyAssigned: .agencyAssigned
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
    case waitingList = "waiting_list"
    case agencyAssigned = "agency_assigned"
}
