/// Computes the data items of BRIEF section 4 for one person and a reference date, from the
/// person's events and the status engine, and keeps only the fields a disclosure decision granted.
///
/// Values are JSON: dates as `YYYY-MM-DD`, yes/no as booleans, and `null` where the register
/// holds nothing (a component without a result, a person without an exemption). For a person
/// without a file (status `unknown`) every item but the national number and the status is `null`:
/// the register cannot say "no" about a person it knows nothing of.
public struct DisclosureProjection: Sendable {
    public let engine: StatusEngine
    /// Names the following agency.
    public let agencies: AgencyDirectory

    public init(engine: StatusEngine, agencies: AgencyDirectory = .standard) {
        self.engine = engine
        self.agencies = agencies
    }

    /// The granted fields for a person, in the order of `DisclosureField`.
    public func project(
        _ events: [Event], insz: NationalNumber, on date: LocalDate, knownAt: Instant? = nil, fields: [DisclosureField]
    ) -> [(field: DisclosureField, value: JSONValue)] {
        project(engine.evaluate(events, on: date, knownAt: knownAt), insz: insz, fields: fields)
    }

    /// The granted fields from an evaluation already made (a page that shows the status too).
    public func project(
        _ evaluation: StatusEngine.Evaluation, insz: NationalNumber, fields: [DisclosureField]
    ) -> [(field: DisclosureField, value: JSONValue)] {
        let status = evaluation.status
        func day(_ value: LocalDate?) -> JSONValue { value.map { .string($0.description) } ?? .null }
        func bool(_ value: Bool?) -> JSONValue { value.map { .bool($0) } ?? .null }
        return fields.sorted().map { field in
            guard let facts = evaluation.facts else {
                // No file: only the echo and the status.
                switch field {
                case .insz: return (field, .string(insz.digits))
                case .status: return (field, .string(status.status.rawValue))
                default: return (field, .null)
                }
            }
            let value: JSONValue
            switch field {
            case .insz: value = .string(insz.digits)
            case .status: value = .string(status.status.rawValue)
            case .statusSince: value = day(status.since)
            case .contractSignedOn: value = day(facts.contractSignedOn)
            case .certificateIssuedOn: value = day(facts.certificateIssuedOn)
            case .highestDutchLevel: value = facts.highestDutchLevel.map { .string($0.rawValue) } ?? .null
            case .socialOrientationMet: value = bool(facts.componentMet[.socialOrientation] ?? nil)
            case .dutchMet: value = bool(facts.componentMet[.dutch] ?? nil)
            case .routeToWorkMet: value = bool(facts.componentMet[.work] ?? nil)
            case .participationMet: value = bool(facts.componentMet[.participation] ?? nil)
            case .openInfringement: value = bool(status.flags.openInfringement)
            case .finesDecided: value = status.flags.finesDecided.map { .integer(Int64($0)) } ?? .null
            case .lastFineDecidedOn: value = day(status.flags.lastFineDecidedOn)
            case .postponedOrSuspended: value = bool(status.flags.postponed)
            case .waitingForCourse: value = .bool(facts.waitingForCourse)
            case .exempt: value = .bool(status.status == .exempt)
            case .exemptionCategory:
                if status.status == .exempt, let category = facts.exemptionCategory {
                    // A medical ground is never disclosed as such.
                    value = .string(category == .medical ? EventPayload.ExemptionGranted.Category.other.rawValue : category.rawValue)
                } else {
                    value = .null
                }
            case .followingAgency: value = facts.followingAgency.map { .string(agencies.disclosed($0)) } ?? .null
            }
            return (field, value)
        }
    }
}
