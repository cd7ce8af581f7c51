/// Why an agency or staff client reads the register. A closed list, not free text: a read names
/// one of these (purpose limitation), the transparency log records it, and the person's report and
/// the metrics label it without an unbounded set of values.
public enum RegisterReadPurpose: String, Sendable, Hashable, CaseIterable, Codable {
    /// An agency guiding the person's trajectory (intake, civic orientation, Dutch courses).
    case trajectoryGuidance = "TRAJECTORY_GUIDANCE"
    /// ABB's enforcement officers examining a possible infringement or a fine.
    case enforcement = "ENFORCEMENT"
    /// Correcting or checking what the register holds (a rectification, a KBI reconciliation).
    case dataQuality = "DATA_QUALITY"
    /// Answering the person's own request to see or correct their data.
    case subjectRequest = "SUBJECT_REQUEST"
    /// A DPO's or auditor's supervision of a specific case.
    case supervision = "SUPERVISION"

    /// What the person's report says the read was for.
    public var label: BilingualText {
        switch self {
        case .trajectoryGuidance:
            BilingualText(nl: "begeleiding van het inburgeringstraject", fr: "accompagnement du parcours d'intégration")
        case .enforcement: BilingualText(nl: "handhaving", fr: "contrôle du respect des obligations")
        case .dataQuality: BilingualText(nl: "controle of verbetering van de gegevens", fr: "contrôle ou rectification des données")
        case .subjectRequest:
            BilingualText(nl: "uw eigen verzoek om inzage of verbetering", fr: "votre propre demande d'accès ou de rectification")
        case .supervision:
            BilingualText(
                nl: "toezicht door een functionaris voor gegevensbescherming of auditor",
                fr: "contrôle par un délégué à la protection des données ou un auditeur")
        }
    }
}
