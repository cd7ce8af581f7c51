/// A queue of ABB's enforcement work list: who is overdue or in breach, and what to act on.
public enum WorkListQueue: String, Sendable, Hashable, CaseIterable, Codable {
    /// Obliged, not registered, past the registration window.
    case registrationOverdue = "registration_overdue"
    /// With an open infringement whose sanctioning authority is ABB, oldest first.
    case openInfringements = "open_infringements"
    /// With an open ABB infringement whose term for a fine ends within the horizon.
    case termEnding = "term_ending"
    /// With an open-ended postponement due for review.
    case postponementReview = "postponement_review"
    /// Fined, and still not complying: candidates for a new infringement file.
    case finedNotComplying = "fined_not_complying"

    /// The queue's name in the console.
    public var label: String {
        switch self {
        case .registrationOverdue: "Niet tijdig aangemeld"
        case .openInfringements: "Open inbreuken"
        case .termEnding: "Termijn voor een boete loopt af"
        case .postponementReview: "Uitstel zonder einddatum te herzien"
        case .finedNotComplying: "Beboet en nog steeds in gebreke"
        }
    }
}

/// A province of Flanders (and Brussels, for completeness), told by a municipality's NIS code.
public enum Province: String, Sendable, Hashable, CaseIterable, Codable {
    case antwerpen, limburg, oostVlaanderen = "oost-vlaanderen", vlaamsBrabant = "vlaams-brabant", westVlaanderen = "west-vlaanderen"
    case brussel

    /// The NIS code prefixes of its municipalities (the first digits give the province).
    public var nisPrefixes: [String] {
        switch self {
        case .antwerpen: ["1"]
        case .vlaamsBrabant: ["23", "24"]
        case .westVlaanderen: ["3"]
        case .oostVlaanderen: ["4"]
        case .limburg: ["7"]
        case .brussel: ["21"]
        }
    }

    /// The province of a municipality, or nil outside these.
    public init?(nisCode: String) {
        guard let found = Province.allCases.first(where: { province in province.nisPrefixes.contains { nisCode.hasPrefix($0) } }) else {
            return nil
        }
        self = found
    }

    /// Its name in Dutch.
    public var name: String {
        switch self {
        case .antwerpen: "Antwerpen"
        case .limburg: "Limburg"
        case .oostVlaanderen: "Oost-Vlaanderen"
        case .vlaamsBrabant: "Vlaams-Brabant"
        case .westVlaanderen: "West-Vlaanderen"
        case .brussel: "Brussels Hoofdstedelijk Gewest"
        }
    }
}

/// What one page of a work-list queue shows: the queue, its filters, the order, and where the
/// page starts.
public struct WorkListQuery: Sendable, Hashable {
    public var queue: WorkListQueue
    public var agency: String?
    public var province: Province?
    /// A municipality's NIS code.
    public var municipality: String?
    /// An open infringement of this kind.
    public var kind: EventPayload.InfringementRecorded.Kind?
    /// Only items at least this many days old.
    public var minimumAgeDays: Int?
    /// Newest first instead of oldest first.
    public var newestFirst: Bool
    /// How many items the page skips. An offset rather than the last item's key, which would
    /// put a national number in the page's address.
    public var offset: Int
    public var limit: Int

    public init(
        queue: WorkListQueue, agency: String? = nil, province: Province? = nil, municipality: String? = nil,
        kind: EventPayload.InfringementRecorded.Kind? = nil, minimumAgeDays: Int? = nil, newestFirst: Bool = false,
        offset: Int = 0, limit: Int = 50
    ) {
        self.queue = queue
        self.agency = agency
        self.province = province
        self.municipality = municipality
        self.kind = kind
        self.minimumAgeDays = minimumAgeDays
        self.newestFirst = newestFirst
        self.offset = offset
        self.limit = limit
    }
}
