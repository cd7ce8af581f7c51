public import KoppelingCore
public import KoppelingKBI

public import struct Foundation.Data

/// The integration register: the operations the HTTP layer and the command line share, over a
/// store and the status engine. It holds no state of its own.
public struct Register: Sendable {
    /// The store.
    public let store: any RegisterStore
    /// The status engine.
    public let engine: StatusEngine
    /// Whether MAGDA test numbers are accepted (demo and test mode).
    public let allowsTestNumbers: Bool
    /// Today's date, read at each use.
    public let today: @Sendable () -> LocalDate
    /// Decides the change notices stored events cause for followed persons.
    public let notices: ChangeNoticePlanner
    /// What a disclosure tells of a person.
    public let projection: DisclosureProjection

    public init(
        store: any RegisterStore, engine: StatusEngine, allowsTestNumbers: Bool, agencies: AgencyDirectory = .standard,
        today: @escaping @Sendable () -> LocalDate
    ) {
        self.store = store
        self.engine = engine
        self.allowsTestNumbers = allowsTestNumbers
        self.today = today
        self.projection = DisclosureProjection(engine: engine, agencies: agencies)
        self.notices = ChangeNoticePlanner(projection: projection, today: today)
    }

    /// The national-number policy of this moment: a birth in the 2000s is accepted up to the current
    /// year, so a server running over New Year accepts the newborns of the new year.
    public var policy: NationalNumber.Policy {
        NationalNumber.Policy(allowsTestNumbers: allowsTestNumbers, currentYear: today().components.year)
    }

    /// Stores events (all or nothing) with the change notices they cause, attributed to `provenance`.
    public func append(_ events: [Event], by provenance: WriteProvenance) async throws -> AppendSummary {
        try await store.append(events, provenance: provenance, notices: notices)
    }

    /// Streams events in (all or nothing) with the change notices they cause, attributed to `provenance`.
    public func appendStreaming(from source: consuming some EventBatchSource, by provenance: WriteProvenance) async throws -> AppendSummary
    {
        try await store.appendStreaming(from: source, provenance: provenance, notices: notices)
    }

    /// Sweeps every day not yet swept up to `today`, in order (see
    /// ``ChangeNoticePlanner/daysToSweep(lastSwept:today:)``); the days swept with their notice counts.
    public func sweepMissedDays(through today: LocalDate, at instant: Instant) async throws -> [(day: LocalDate, notices: Int)] {
        var swept: [(day: LocalDate, notices: Int)] = []
        for day in ChangeNoticePlanner.daysToSweep(lastSwept: try await store.lastSweptDay(), today: today) {
            if let count = try await store.sweepNotices(on: day, planner: notices, at: instant) { swept.append((day, count)) }
        }
        return swept
    }

    /// Brings the status projection up to today: every person whose row's day has come is computed
    /// again, and with `complete` every other person whose row does not hold today (see
    /// ``ProjectedStatus``); returns how many.
    @discardableResult
    public func refreshProjection(batch: Int = 5_000, complete: Bool = true) async throws -> Int {
        try await store.refreshProjectedStatuses(planner: notices, batch: batch, complete: complete)
    }

    /// The status of a person for a reference date, optionally as known at an instant.
    public func status(of insz: NationalNumber, on referenceDate: LocalDate, knownAt: Instant? = nil) async throws -> PersonStatus {
        let events = try await store.events(of: insz)
        return engine.status(of: events, on: referenceDate, knownAt: knownAt)
    }

    /// Imports one `GeefDossierKBI` answer atomically and reports what it did. The stored events
    /// are attributed to `writer`, with the answer's SHA-256.
    public func importKBI(_ data: Data, by writer: WriteProvenance) async throws -> KBIImportReport {
        let mapper = KBIDossierMapper(policy: policy, agencies: projection.agencies)
        let result = try mapper.map(data)
        let snapshot = result.events
        let summary = try await store.appendPlanned(for: result.insz, provenance: writer.importing(data), notices: notices) { existing in
            SnapshotReconciliation.plan(
                existing: existing, snapshot: snapshot, source: mapper.source, reason: "no longer in the KBI dossier")
        }
        return KBIImportReport(
            insz: result.insz, version: result.version, eventsInDossier: result.events.count,
            eventsPerType: Dictionary(grouping: snapshot, by: \.type).mapValues(\.count), summary: summary,
            unmapped: result.unmapped, warnings: result.warnings, ignoredSections: result.ignoredSections)
    }
}

/// What the import of one KBI answer did.
public struct KBIImportReport: Sendable {
    /// The person.
    public var insz: NationalNumber
    /// The answer's `Context/Versie`.
    public var version: String
    /// How many events the dossier maps to.
    public var eventsInDossier: Int
    /// How many of them of each type.
    public var eventsPerType: [EventType: Int]
    /// What was stored (new events and retractions) and what was already there.
    public var summary: AppendSummary
    /// What could not be mapped, verbatim.
    public var unmapped: [KBIUnmappedItem]
    /// Optional elements that were absent, and MAGDA's warnings.
    public var warnings: [KBIImportWarning]
    /// Sections not imported by design.
    public var ignoredSections: [String]
}
