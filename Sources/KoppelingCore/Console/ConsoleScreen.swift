/// A screen of the console, and the roles that may open it. A user sees the screens one of their
/// roles allows, in this order; any other is refused with a page that says which role it needs.
public enum ConsoleScreen: String, Sendable, Hashable, CaseIterable {
    /// Looking up a person: status, timeline, and who saw the dossier.
    case personSearch = "personen"
    /// Importing MAGDA KBI answers, and the history of imports.
    case kbiImport = "kbi-import"
    /// The protocols: documents, advices, signatures and the workflow.
    case protocols = "protocollen"
    /// ABB's enforcement work list: the queues, decisions and approvals.
    case enforcement = "handhaving"
    /// The DPO's audit of disclosures and the transparency log's state.
    case audit
    /// Clients, webhooks, users and readiness.
    case administration = "beheer"

    /// The roles that may open the screen.
    public var roles: Set<ConsoleUser.Role> {
        switch self {
        case .personSearch: [.caseOfficer, .enforcementOfficer, .dpo]
        case .kbiImport: [.caseOfficer]
        case .enforcement: [.enforcementOfficer]
        case .protocols: [.protocolAdmin, .dpo]
        case .audit: [.dpo]
        case .administration: [.administrator]
        }
    }

    /// The screen's title in the menu.
    public var title: String {
        switch self {
        case .personSearch: "Persoon opzoeken"
        case .kbiImport: "KBI-import"
        case .enforcement: "Handhaving"
        case .protocols: "Protocollen"
        case .audit: "Audit"
        case .administration: "Beheer"
        }
    }

    /// The screen's path under `/console`.
    public var path: String { "/console/\(rawValue)" }
}

extension ConsoleUser {
    /// Whether one of the user's roles opens `screen`.
    public func may(open screen: ConsoleScreen) -> Bool {
        !screen.roles.isDisjoint(with: roles)
    }

    /// The screens the user may open, in the menu's order.
    public var screens: [ConsoleScreen] {
        ConsoleScreen.allCases.filter(may(open:))
    }

    /// The reasons for reading a person's data the user's roles allow: a case officer guides a
    /// trajectory, checks the data or answers the person's own request; an enforcement officer
    /// enforces; a DPO supervises or answers the person's request.
    public var readPurposes: [RegisterReadPurpose] {
        RegisterReadPurpose.allCases.filter { purpose in
            roles.contains { role in
                switch role {
                case .caseOfficer: [.trajectoryGuidance, .dataQuality, .subjectRequest].contains(purpose)
                case .enforcementOfficer: purpose == .enforcement
                case .dpo: [.supervision, .subjectRequest].contains(purpose)
                case .protocolAdmin, .administrator: false
                }
            }
        }
    }
}
