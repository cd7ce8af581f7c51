/// Computes the data items of BRIEF section 4 for one person and a reference date, from the
/// person's events and the status engine, and keeps only the fields a disclosure decision granted.
///
/// Values are JSON: dates as `YYYY-MM-DD`, yes/no as booleans, and `null` where the register
/// holds nothing (a component without a result, a person without an exemption).
public struct DisclosureProjection: Sendable {
    public let engine: StatusEngine

    public init(engine: StatusEngine) {
        self.engine = engine
    }

    /// The granted fields for a person, in the order of `DisclosureField`.
    public func project(
        _ events: [Event], insz: NationalNumber, on date: LocalDate, knownAt: Instant? = nil, fields: [DisclosureField]
    ) -> [(field: DisclosureField, value: JSONValue)] {
        let status = engine.status(of: events, on: date, knownAt: knownAt)
        let facts = Facts(events: events, on: date, knownAt: knownAt)
        func day(_ value: LocalDate?) -> JSONValue { value.map { .string($0.description) } ?? .null }
        func component(_ component: Component) -> JSONValue {
            switch facts.results[component] {
            case .met?, .passed?: .bool(true)
            case .notMet?, .failed?: .bool(false)
            case .notApplicable?, nil: .null
            }
        }
        return fields.sorted().map { field in
            let value: JSONValue
            switch field {
            case .insz: value = .string(insz.digits)
            case .status: value = .string(status.status.rawValue)
            case .statusSince: value = day(status.since)
            case .contractSignedOn: value = day(facts.contractSignedOn)
            case .certificateIssuedOn: value = day(facts.certificateIssuedOn)
            case .highestDutchLevel: value = facts.highestDutchLevel.map { .string($0.rawValue) } ?? .null
            case .socialOrientationMet: value = component(.socialOrientation)
            case .dutchMet: value = component(.dutch)
            case .routeToWorkMet: value = component(.work)
            case .participationMet: value = component(.participation)
            case .openInfringement: value = .bool(status.flags.openInfringement)
            case .finesDecided: value = .integer(Int64(status.flags.finesDecided))
            case .lastFineDecidedOn: value = day(status.flags.lastFineDecidedOn)
            case .postponedOrSuspended: value = .bool(status.flags.postponed)
            // The register records no waiting lists (the KBI's Wachtlijst is not imported): unknown.
            case .waitingForCourse: value = .null
            case .exempt: value = .bool(status.status == .exempt)
            case .exemptionCategory:
                if status.status == .exempt, let category = facts.exemptionCategory {
                    // A medical ground is never disclosed as such.
                    value = .string(category == .medical ? EventPayload.ExemptionGranted.Category.other.rawValue : category.rawValue)
                } else {
                    value = .null
                }
            case .followingAgency: value = facts.followingAgency.map { .string($0) } ?? .null
            }
            return (field, value)
        }
    }

    /// The facts the status does not carry, under the same counting rules as the status engine.
    struct Facts {
        var contractSignedOn: LocalDate?
        var certificateIssuedOn: LocalDate?
        var highestDutchLevel: CEFRLevel?
        var results: [Component: EventPayload.ComponentResult.Decision] = [:]
        var exemptionCategory: EventPayload.ExemptionGranted.Category?
        var followingAgency: String?

        init(events: [Event], on date: LocalDate, knownAt: Instant?) {
            // The same counting rules as the status engine: effective by the date, known at knownAt, not retracted.
            let retracted = StatusEngine.retractedIds(in: events, knownAt: knownAt)
            var latestResult: [Component: LocalDate] = [:]
            var latestExemption: LocalDate?
            var latestAgency: LocalDate?
            for event in events
            where event.effectiveDate <= date && StatusEngine.isKnown(event.recordedAt, at: knownAt) && !retracted.contains(event.eventId) {
                let day = event.effectiveDate
                switch event.payload {
                case .contractSigned(let contract):
                    contractSignedOn = min(contractSignedOn ?? day, day)
                    if latestAgency.map({ $0 <= day }) ?? true { latestAgency = day; followingAgency = contract.agency }
                case .registered(let registration):
                    if latestAgency.map({ $0 <= day }) ?? true { latestAgency = day; followingAgency = registration.agency }
                case .certificateIssued(let certificate) where certificate.kind != .exemptionCertificate:
                    certificateIssuedOn = min(certificateIssuedOn ?? day, day)
                case .dutchLevelReached(let level):
                    highestDutchLevel = max(highestDutchLevel ?? level, level)
                case .componentResult(let result):
                    if latestResult[result.component].map({ $0 <= day }) ?? true {
                        latestResult[result.component] = day
                        results[result.component] = result.decision
                    }
                case .exemptionGranted(let exemption):
                    if latestExemption.map({ $0 <= day }) ?? true { latestExemption = day; exemptionCategory = exemption.category }
                default:
                    break
                }
            }
        }
    }
}
