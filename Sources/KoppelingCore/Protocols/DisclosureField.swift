/// The data items a recipient may receive (BRIEF section 4). A protocol lists the ones it allows;
/// nothing outside this list can ever be disclosed.
public enum DisclosureField: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// The national number, echoed.
    case insz
    /// The status code of the status engine.
    case status
    /// The date the status began.
    case statusSince
    /// The date the integration contract was signed.
    case contractSignedOn
    /// The date the integration certificate or the effort statement was issued.
    case certificateIssuedOn
    /// The highest Dutch level reached (CEFR).
    case highestDutchLevel
    /// Social orientation component met.
    case socialOrientationMet
    /// Dutch component met.
    case dutchMet
    /// Route-to-work component met.
    case routeToWorkMet
    /// Participation track met.
    case participationMet
    /// An infringement is open.
    case openInfringement
    /// The number of fines decided.
    case finesDecided
    /// The date of the last fine decision.
    case lastFineDecidedOn
    /// Postponed or suspended (never the reason).
    case postponedOrSuspended
    /// Waiting for a course.
    case waitingForCourse
    /// Exempt.
    case exempt
    /// A coarse exemption category, a medical ground folded into `other`.
    case exemptionCategory
    /// The agency that follows the person.
    case followingAgency

    public static func < (lhs: DisclosureField, rhs: DisclosureField) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The Dutch label, for the published protocol.
    public var dutchLabel: String {
        switch self {
        case .insz: "rijksregisternummer (ter controle teruggegeven)"
        case .status: "inburgeringsstatus"
        case .statusSince: "datum waarop de status begon"
        case .contractSignedOn: "datum van ondertekening van het inburgeringscontract"
        case .certificateIssuedOn: "datum van afgifte van het inburgeringsattest of de verklaring van geleverde inspanningen"
        case .highestDutchLevel: "hoogst behaalde niveau Nederlands (ERK)"
        case .socialOrientationMet: "onderdeel maatschappelijke oriëntatie behaald"
        case .dutchMet: "onderdeel Nederlands als tweede taal behaald (A2 met een test onder de regeling van 2022, A1 daarvoor)"
        case .routeToWorkMet: "traject naar werk (inschrijving VDAB) voldaan"
        case .participationMet: "participatie- en netwerktraject voldaan"
        case .openInfringement: "openstaande inbreuk gemeld aan het Agentschap Binnenlands Bestuur (ja/neen)"
        case .finesDecided: "aantal beslist administratieve geldboetes"
        case .lastFineDecidedOn: "datum van de laatste boetebeslissing"
        case .postponedOrSuspended: "uitstel of opschorting (ja/neen, nooit de reden)"
        case .waitingForCourse: "wacht op een cursus (ja/neen)"
        case .exempt: "vrijgesteld (ja/neen)"
        case .exemptionCategory: "grove categorie van vrijstelling (medische grond valt onder 'andere')"
        case .followingAgency: "organisatie die de persoon opvolgt"
        }
    }

    /// The French label, for the published protocol.
    public var frenchLabel: String {
        switch self {
        case .insz: "numéro de registre national (renvoyé pour contrôle)"
        case .status: "statut d'intégration civique"
        case .statusSince: "date à laquelle le statut a commencé"
        case .contractSignedOn: "date de signature du contrat d'intégration civique"
        case .certificateIssuedOn: "date de délivrance de l'attestation d'intégration civique ou de la déclaration d'efforts fournis"
        case .highestDutchLevel: "niveau de néerlandais le plus élevé atteint (CECR)"
        case .socialOrientationMet: "volet orientation sociale réussi"
        case .dutchMet: "volet néerlandais langue seconde réussi (A2 avec un test sous la réglementation de 2022, A1 auparavant)"
        case .routeToWorkMet: "parcours vers l'emploi (inscription au VDAB) rempli"
        case .participationMet: "parcours de participation et de réseautage rempli"
        case .openInfringement: "infraction en cours signalée à l'Agence de l'Administration intérieure (oui/non)"
        case .finesDecided: "nombre d'amendes administratives décidées"
        case .lastFineDecidedOn: "date de la dernière décision d'amende"
        case .postponedOrSuspended: "report ou suspension (oui/non, jamais le motif)"
        case .waitingForCourse: "en attente d'un cours (oui/non)"
        case .exempt: "dispensé (oui/non)"
        case .exemptionCategory: "catégorie générale de dispense (un motif médical relève de « autre »)"
        case .followingAgency: "organisation qui suit la personne"
        }
    }

    /// The label in Dutch and French.
    public var label: BilingualText { BilingualText(nl: dutchLabel, fr: frenchLabel) }
}

/// How data left the register, or who looked: the three channels a protocol can grant a
/// recipient, and the accesses the log records besides.
public enum DisclosureChannel: String, Sendable, Hashable, CaseIterable, Codable {
    /// A lookup for one person.
    case lookup
    /// A follow list with change notices.
    case follow
    /// Periodic batch files.
    case batch
    /// A read of the register (a status or a dossier) by an agency or staff client.
    case register
    /// The person's own report of who received their data, through the citizen portal.
    case citizen
    /// An administrative act on a recipient's deliveries (a webhook set or rotated).
    case administration
    /// A page of the console that showed a person's data to a signed-in user.
    case console

    /// The channels a protocol can grant.
    public static let protocolChannels: [DisclosureChannel] = [.lookup, .follow, .batch]
}
