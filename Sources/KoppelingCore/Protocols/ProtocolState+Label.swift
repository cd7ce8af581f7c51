extension ProtocolState {
    /// What the published page and the console call the state.
    public var label: BilingualText {
        switch self {
        case .draft: BilingualText(nl: "ontwerp", fr: "projet")
        case .inReview:
            BilingualText(
                nl: "voor advies bij de functionarissen voor gegevensbescherming",
                fr: "soumis à l'avis des délégués à la protection des données")
        case .advised: BilingualText(nl: "geadviseerd", fr: "avisé")
        case .signed: BilingualText(nl: "ondertekend", fr: "signé")
        case .published: BilingualText(nl: "bekendgemaakt", fr: "publié")
        case .suspended: BilingualText(nl: "geschorst", fr: "suspendu")
        case .revoked: BilingualText(nl: "herroepen", fr: "révoqué")
        case .superseded: BilingualText(nl: "vervangen door een latere versie", fr: "remplacé par une version ultérieure")
        }
    }
}

extension DPOAdvice.Opinion {
    /// What the published page and the console call the opinion.
    public var label: BilingualText {
        switch self {
        case .favourable: BilingualText(nl: "gunstig advies", fr: "avis favorable")
        case .conditional: BilingualText(nl: "gunstig advies onder voorwaarden", fr: "avis favorable sous conditions")
        case .unfavourable: BilingualText(nl: "ongunstig advies", fr: "avis défavorable")
        }
    }
}
