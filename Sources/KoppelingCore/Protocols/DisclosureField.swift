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
        case .dutchMet: "onderdeel Nederlands als tweede taal behaald"
        case .routeToWorkMet: "traject naar werk (inschrijving VDAB) voldaan"
        case .participationMet: "participatie- en netwerktraject voldaan"
        case .openInfringement: "openstaande inbreuk (ja/neen)"
        case .finesDecided: "aantal beslist administratieve geldboetes"
        case .lastFineDecidedOn: "datum van de laatste boetebeslissing"
        case .postponedOrSuspended: "uitstel of opschorting (ja/neen, nooit de reden)"
        case .waitingForCourse: "wacht op een cursus (ja/neen)"
        case .exempt: "vrijgesteld (ja/neen)"
        case .exemptionCategory: "grove categorie van vrijstelling (medische grond valt onder 'andere')"
        case .followingAgency: "organisatie die de persoon opvolgt"
        }
    }
}

/// How a recipient receives data.
public enum DisclosureChannel: String, Sendable, Hashable, CaseIterable, Codable {
    /// A lookup for one person.
    case lookup
    /// A follow list with change notices.
    case follow
    /// Periodic batch files.
    case batch
}
