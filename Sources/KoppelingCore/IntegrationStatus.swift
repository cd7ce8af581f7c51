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
    case undetermined

    /// The Dutch term of BRIEF section 3.
    public var dutchTerm: String { term.nl }

    /// The term in Dutch (BRIEF section 3) and in French.
    public var term: BilingualText {
        switch self {
        case .unknown: BilingualText(nl: "niet gekend", fr: "inconnu")
        case .notInTargetGroup: BilingualText(nl: "geen doelgroep", fr: "hors groupe cible")
        case .outsideFlemishObligation:
            BilingualText(nl: "buiten Vlaamse inburgeringsplicht", fr: "hors obligation flamande d'intégration civique")
        case .entitledNotObliged: BilingualText(nl: "rechthebbend", fr: "ayant droit")
        case .exempt: BilingualText(nl: "vrijgesteld", fr: "dispensé")
        case .fulfilledCertificate: BilingualText(nl: "inburgeringsattest", fr: "attestation d'intégration civique")
        case .fulfilledEffortStatement: BilingualText(nl: "verklaring van geleverde inspanningen", fr: "déclaration d'efforts fournis")
        case .suspended: BilingualText(nl: "uitstel / opschorting", fr: "report / suspension")
        case .registrationWindowOpen: BilingualText(nl: "aanmeldingstermijn loopt", fr: "délai d'inscription en cours")
        case .nonCompliantFined: BilingualText(nl: "beboet", fr: "sanctionné d'une amende")
        case .infringementPending: BilingualText(nl: "inbreuk vastgesteld", fr: "infraction constatée")
        case .registrationOverdue: BilingualText(nl: "niet tijdig aangemeld", fr: "pas inscrit dans le délai")
        case .inTrajectory: BilingualText(nl: "in traject", fr: "en parcours")
        case .undetermined: BilingualText(nl: "doelgroep niet bepaald", fr: "groupe cible non déterminé")
        }
    }
}

/// One reason that led to a status, with its legal reference.
///
/// The engine records the facts (dates, counts) and the texts are rendered from them only when
/// they are asked for, so that computing a million statuses does not format a million sentences.
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

    public init(
        code: String, legalReference: String, on: LocalDate? = nil, until: LocalDate? = nil, count: Int? = nil, detail: String? = nil
    ) {
        self.code = code
        self.legalReference = legalReference
        self.on = on
        self.until = until
        self.count = count
        self.detail = detail
    }

    /// The sentence for people, in Dutch and in French.
    public var text: BilingualText {
        BilingualText(nl: text(in: .nl), fr: text(in: .fr))
    }

    /// The sentence for people in one language.
    public func text(in language: Language) -> String {
        let nl = language == .nl
        let on = self.on.map { language.date($0) } ?? "?"
        let until = self.until.map { language.date($0) } ?? "?"
        let count = self.count ?? 0
        switch code {
        case "no_file":
            return nl
                ? "Het register bevat voor deze persoon geen gegevens die op of vóór \(on) gelden."
                : "Le registre ne contient pour cette personne aucune donnée applicable au \(on) ou avant."
        case "not_in_target_group":
            return nl
                ? "Behoort niet tot de doelgroep van het inburgeringsbeleid (doelgroepcode NEE)."
                : "N'appartient pas au groupe cible de la politique d'intégration civique (code NEE)."
        case "in_target_group":
            return nl
                ? "Behoort tot de doelgroep van het inburgeringsbeleid."
                : "Appartient au groupe cible de la politique d'intégration civique."
        case "brussels_resident":
            return nl
                ? """
                Woont sinds \(on) in het Brussels Hoofdstedelijk Gewest: de Vlaamse inburgeringsplicht geldt er niet, het Brusselse \
                stelsel wel.
                """
                : """
                Réside depuis le \(on) en Région de Bruxelles-Capitale : l'obligation flamande d'intégration civique ne s'y applique \
                pas, le régime bruxellois bien.
                """
        case "wallonia_resident":
            return nl
                ? "Woont sinds \(on) in het Waals Gewest: de Vlaamse inburgeringsplicht geldt er niet."
                : "Réside depuis le \(on) en Région wallonne : l'obligation flamande d'intégration civique ne s'y applique pas."
        case "abroad_resident":
            let country = detail.map { " (\($0))" } ?? ""
            return nl
                ? "Woont sinds \(on) in het buitenland\(country): de Vlaamse inburgeringsplicht geldt niet."
                : "Réside depuis le \(on) à l'étranger\(country) : l'obligation flamande d'intégration civique ne s'applique pas."
        case "outside_flanders_resident":
            return nl
                ? """
                Woont sinds \(on) buiten het Vlaams en het Brussels Hoofdstedelijk Gewest (in het Waals Gewest of in het buitenland, \
                niet nader bepaald): de Vlaamse inburgeringsplicht geldt niet.
                """
                : """
                Réside depuis le \(on) hors de la Région flamande et de la Région de Bruxelles-Capitale (en Région wallonne ou à \
                l'étranger, sans précision) : l'obligation flamande d'intégration civique ne s'applique pas.
                """
        case "entitled":
            return nl
                ? "Rechthebbende inburgeraar, nooit verplicht, zonder ondertekend inburgeringscontract of attest."
                : "Intégrant ayant droit, jamais soumis à l'obligation, sans contrat d'intégration civique signé ni attestation."
        case "exemption_in_force":
            let category = Self.exemptionCategory(detail, in: language)
            if self.until != nil {
                return nl
                    ? "Vrijgesteld van de inburgeringsplicht (\(category)) sinds \(on), tot en met \(until)."
                    : "Dispensé de l'obligation d'intégration civique (\(category)) depuis le \(on), jusqu'au \(until) inclus."
            }
            return nl
                ? "Vrijgesteld van de inburgeringsplicht (\(category)) sinds \(on), zonder einddatum."
                : "Dispensé de l'obligation d'intégration civique (\(category)) depuis le \(on), sans date de fin."
        case "exemption_certificate":
            return nl ? "Attest van vrijstelling uitgereikt op \(on)." : "Attestation de dispense délivrée le \(on)."
        case "certificate_issued":
            return nl ? "Inburgeringsattest uitgereikt op \(on)." : "Attestation d'intégration civique délivrée le \(on)."
        case "effort_statement_issued":
            return nl ? "Verklaring van geleverde inspanningen uitgereikt op \(on)." : "Déclaration d'efforts fournis délivrée le \(on)."
        case "postponement_in_force":
            let kind: String
            switch detail {
            case "registration": kind = nl ? "Uitstel van aanmelding" : "Report de l'inscription"
            case "signing":
                kind =
                    nl
                    ? "Uitstel van ondertekening van het inburgeringscontract" : "Report de la signature du contrat d'intégration civique"
            default: kind = nl ? "Opschorting van het inburgeringscontract" : "Suspension du contrat d'intégration civique"
            }
            if self.until != nil {
                return nl ? "\(kind) sinds \(on), tot en met \(until)." : "\(kind) depuis le \(on), jusqu'au \(until) inclus."
            }
            return nl ? "\(kind) sinds \(on), zonder einddatum." : "\(kind) depuis le \(on), sans date de fin."
        case "postponement_open_ended_review":
            return nl
                ? "Dit uitstel zonder einddatum loopt sinds \(on), langer dan \(count) maanden: het moet herzien worden."
                : "Ce report sans date de fin court depuis le \(on), depuis plus de \(count) mois : il doit être réexaminé."
        case "obligation_started":
            return nl ? "Inburgeringsplichtig sinds \(on)." : "Soumis à l'obligation d'intégration civique depuis le \(on)."
        case "obligation_start_unknown":
            return nl
                ? "Inburgeringsplichtig, maar het begin van de plicht is niet gekend: de aanmeldingstermijn kan niet worden berekend."
                : """
                Soumis à l'obligation d'intégration civique, mais le début de l'obligation n'est pas connu : le délai d'inscription \
                ne peut être calculé.
                """
        case "registration_window_open":
            return nl
                ? "Nog niet aangemeld; de aanmeldingstermijn loopt tot en met \(until)."
                : "Pas encore inscrit ; le délai d'inscription court jusqu'au \(until) inclus."
        case "registration_window_extended":
            return nl
                ? "Uitstel van aanmelding verlengde de aanmeldingstermijn met \(count) dag(en), tot en met \(until)."
                : "Un report de l'inscription a prolongé le délai d'inscription de \(count) jour(s), jusqu'au \(until) inclus."
        case "fine_decided":
            return nl
                ? "\(count) administratieve geldboete(s) beslist, de laatste op \(on); de inburgeringsplicht is niet vervuld."
                : """
                \(count) amende(s) administrative(s) décidée(s), la dernière le \(on) ; l'obligation d'intégration civique n'est pas \
                remplie.
                """
        case "infringement_recorded":
            return nl
                ? """
                Inbreuk vastgesteld op \(on) en gemeld aan het Agentschap Binnenlands Bestuur, nog zonder beslissing; een geldboete \
                kan worden opgelegd tot en met \(until).
                """
                : """
                Infraction constatée le \(on) et signalée à l'Agence de l'Administration intérieure (ABB), sans décision à ce jour ; \
                une amende peut être infligée jusqu'au \(until) inclus.
                """
        case "registration_overdue":
            return nl
                ? "Niet aangemeld; de aanmeldingstermijn eindigde op \(until)."
                : "Pas inscrit ; le délai d'inscription a pris fin le \(until)."
        case "in_trajectory":
            return nl
                ? "Aangemeld of onder inburgeringscontract; de inburgeringsplicht is nog niet vervuld."
                : "Inscrit ou sous contrat d'intégration civique ; l'obligation n'est pas encore remplie."
        case "target_group_undetermined":
            let what: String
            switch detail {
            case "MINDERJARIG": what = nl ? "de persoon is minderjarig" : "la personne est mineure"
            case "NADER_TE_BEPALEN": what = nl ? "de doelgroep moet nog bepaald worden" : "le groupe cible reste à déterminer"
            case "GEEN": what = nl ? "geen doelgroeptype" : "aucun type de groupe cible"
            default: what = nl ? "er is geen doelgroepbepaling" : "aucune détermination du groupe cible"
            }
            return nl
                ? "Het dossier bestaat, maar plaatst de persoon onder geen enkele regel: \(what)."
                : "Le dossier existe mais ne place la personne sous aucune règle : \(what)."
        default:
            return code
        }
    }

    static func exemptionCategory(_ code: String?, in language: Language) -> String {
        let nl = language == .nl
        switch code {
        case "eu_eea_swiss_or_family":
            return nl
                ? "onderdaan van de EU, de EER of Zwitserland, of familielid"
                : "ressortissant de l'UE, de l'EEE ou de la Suisse, ou membre de sa famille"
        case "age_65_plus": return nl ? "65 jaar of ouder" : "65 ans ou plus"
        case "medical": return nl ? "ernstige ziekte of handicap" : "maladie grave ou handicap"
        case "dutch_diploma": return nl ? "diploma Nederlands" : "diplôme en néerlandais"
        case "already_certified": return nl ? "reeds een inburgeringsattest" : "déjà une attestation d'intégration civique"
        default: return nl ? "andere grond" : "autre motif"
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

/// Facts reported beside the status. Every member is nil (JSON `null`) for a person without a file
/// (status `unknown`): the register cannot say "no" about a person it knows nothing of.
public struct StatusFlags: Sendable, Hashable, Codable {
    /// At least one infringement was closed without follow-up (*geen gevolg*).
    public var infringementClosedWithoutFollowUp: Bool?
    /// An infringement reported to ABB is open: no decision, no rectification, and the term within
    /// which a fine can be imposed has not ended.
    public var openInfringement: Bool?
    /// An infringement reported to ABB ended without a decision because the term within which a
    /// fine can be imposed passed.
    public var infringementTermExpired: Bool?
    /// An infringement reported to another authority (VDAB, OCMW, VMSW) has no decision.
    public var infringementOtherAuthority: Bool?
    /// How many fines were decided.
    public var finesDecided: Int?
    /// The date of the last fine decision.
    public var lastFineDecidedOn: LocalDate?
    /// A postponement or suspension that still matters covers the reference date.
    public var postponed: Bool?
    /// A postponement without an end date has run longer than the review period: it is to be
    /// reviewed (it appears on enforcement work lists).
    public var postponementOpenEndedReview: Bool?

    public init(
        infringementClosedWithoutFollowUp: Bool? = false, openInfringement: Bool? = false, infringementTermExpired: Bool? = false,
        infringementOtherAuthority: Bool? = false, finesDecided: Int? = 0, lastFineDecidedOn: LocalDate? = nil, postponed: Bool? = false,
        postponementOpenEndedReview: Bool? = false
    ) {
        self.infringementClosedWithoutFollowUp = infringementClosedWithoutFollowUp
        self.openInfringement = openInfringement
        self.infringementTermExpired = infringementTermExpired
        self.infringementOtherAuthority = infringementOtherAuthority
        self.finesDecided = finesDecided
        self.lastFineDecidedOn = lastFineDecidedOn
        self.postponed = postponed
        self.postponementOpenEndedReview = postponementOpenEndedReview
    }

    /// The flags of a person without a file: all unknown.
    public static let unknown = StatusFlags(
        infringementClosedWithoutFollowUp: nil, openInfringement: nil, infringementTermExpired: nil, infringementOtherAuthority: nil,
        finesDecided: nil, lastFineDecidedOn: nil, postponed: nil, postponementOpenEndedReview: nil)

    enum CodingKeys: String, CodingKey, CaseIterable {
        case infringementClosedWithoutFollowUp, openInfringement, infringementTermExpired, infringementOtherAuthority, finesDecided
        case lastFineDecidedOn, postponed, postponementOpenEndedReview
    }

    /// The flags as a JSON object, every member present (`null` where unknown), in a fixed order.
    public func writeJSON(to output: inout String) {
        func bool(_ value: Bool?) -> String { value.map { $0 ? "true" : "false" } ?? "null" }
        output +=
            """
            {\"infringementClosedWithoutFollowUp\":\(bool(infringementClosedWithoutFollowUp)),\"openInfringement\":\
            \(bool(openInfringement))
            """
        output +=
            """
            ,\"infringementTermExpired\":\(bool(infringementTermExpired)),\"infringementOtherAuthority\":\
            \(bool(infringementOtherAuthority))
            """
        output +=
            """
            ,\"finesDecided\":\(finesDecided.map(String.init) ?? "null"),\"lastFineDecidedOn\":\
            \(lastFineDecidedOn.map { "\"\($0)\"" } ?? "null")
            """
        output += ",\"postponed\":\(bool(postponed)),\"postponementOpenEndedReview\":\(bool(postponementOpenEndedReview))}"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(infringementClosedWithoutFollowUp, forKey: .infringementClosedWithoutFollowUp)
        try container.encode(openInfringement, forKey: .openInfringement)
        try container.encode(infringementTermExpired, forKey: .infringementTermExpired)
        try container.encode(infringementOtherAuthority, forKey: .infringementOtherAuthority)
        try container.encode(finesDecided, forKey: .finesDecided)
        try container.encode(lastFineDecidedOn, forKey: .lastFineDecidedOn)
        try container.encode(postponed, forKey: .postponed)
        try container.encode(postponementOpenEndedReview, forKey: .postponementOpenEndedReview)
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

    /// The civic-integration decree, as amended.
    public static let decree =
        "Decreet van 7 juni 2013 betreffende het Vlaamse integratie- en inburgeringsbeleid, gewijzigd bij decreet van 9 juli 2021"

    /// The source of the term within which an administrative fine can be imposed. The framework
    /// decree on administrative enforcement governs the procedure; the length of the term used by
    /// default (``StatusEngine/fineTermMonths``) is an assumption until ABB confirms it.
    public static let fineTerm =
        """
        Kaderdecreet van 22 maart 2019 betreffende de bestuurlijke handhaving (termijn om een bestuurlijke geldboete op te leggen; de \
        ingestelde duur is een aanname, te bevestigen door het Agentschap Binnenlands Bestuur)
        """

    /// The instruments of BRIEF sections 1 and 2, without article numbers (open points).
    public static let standard: LegalReferences = {
        let aliens = "Wet van 15 december 1980, art. 1/2 (redelijke integratie-inspanningen)"
        let territory = "\(decree) (de inburgeringsplicht geldt voor wie in het Vlaamse Gewest woont)"
        return LegalReferences(
            references: [
                "no_file": aliens,
                "brussels_resident":
                    """
                Ordonnantie van de Gemeenschappelijke Gemeenschapscommissie betreffende het inburgeringstraject \
                (Brussels-Hoofdstedelijk Gewest)
                """,
                "wallonia_resident": territory,
                "abroad_resident": territory,
                "outside_flanders_resident": territory,
                "infringement_recorded": "\(decree); \(fineTerm)",
            ],
            fallback: decree)
    }()
}
