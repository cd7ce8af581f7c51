public import KoppelingCore

/// What an append stored.
public struct AppendSummary: Sendable, Hashable, Codable {
    /// Events stored now.
    public var stored: Int
    /// Events that were already stored with the same content (idempotent repeats).
    public var alreadyPresent: Int
    /// The instant the stored events were recorded at, when any were stored.
    public var recordedAt: Instant?

    public init(stored: Int = 0, alreadyPresent: Int = 0, recordedAt: Instant? = nil) {
        self.stored = stored
        self.alreadyPresent = alreadyPresent
        self.recordedAt = recordedAt
    }

    /// Adds another summary's counts.
    public mutating func add(_ other: AppendSummary) {
        stored += other.stored
        alreadyPresent += other.alreadyPresent
        recordedAt = other.recordedAt ?? recordedAt
    }
}

/// Yields batches of events for a streaming import, synchronously, so that a store can consume it
/// inside one transaction.
public protocol EventBatchSource {
    /// The next batch, or `nil` at the end. Throwing aborts the import and stores nothing.
    mutating func nextBatch() throws -> [Event]?
}

/// Where the register keeps its events. Every method is atomic: it stores everything or nothing,
/// and what it reports as stored survives a crash of the process.
public protocol RegisterStore: StatusProjectionStore {
    /// Stores a batch of events: all or nothing. An event whose id is stored with the same content
    /// is counted as already present; with other content the whole batch is refused with
    /// ``StoreError/conflict(index:eventId:)``. With a planner, the change notices the new events
    /// cause for followed persons are stored in the same transaction. Every stored row keeps
    /// `provenance` (who wrote it, from which file).
    func append(_ events: [Event], provenance: WriteProvenance, notices: ChangeNoticePlanner?) async throws -> AppendSummary

    /// Stores every batch a source yields in one transaction: all or nothing. It may block the
    /// calling thread for the whole import, so it is meant for the command line, not for request
    /// handlers. The source may be read on another thread, ahead of the writes.
    func appendStreaming(
        from source: consuming some EventBatchSource, provenance: WriteProvenance, notices: ChangeNoticePlanner?
    ) async throws -> AppendSummary

    /// Reads a person's stored events and stores the events `plan` derives from them, in one
    /// transaction, so that no other write slips in between.
    func appendPlanned(
        for insz: NationalNumber, provenance: WriteProvenance, notices: ChangeNoticePlanner?,
        _ plan: @escaping @Sendable ([Event]) throws -> [Event]
    ) async throws -> AppendSummary

    /// A person's events in recording order.
    func events(of insz: NationalNumber) async throws -> [Event]

    /// The events of several persons (by national-number digits), in one read.
    func events(ofPersons persons: [String]) async throws -> [String: [Event]]

    /// Visits every person with their events in recording order, one person at a time,
    /// in national-number order.
    /// May block the calling thread; meant for the command line and reports.
    func forEachPerson(_ body: (NationalNumber, [Event]) throws -> Void) async throws

    /// How many events and persons are stored.
    func counts() async throws -> (events: Int, persons: Int)

    /// The files imported last, newest first, at most `files`, from the latest `scanning`
    /// imported events (``StoreSQL/recentImportedEvents(limit:)``, grouped by ``ImportedFile/grouping(_:files:)``).
    func recentImports(files: Int, scanning: Int) async throws -> [ImportedFile]

    /// The daily pass: stores the notices that time alone causes on `day` for every active follow,
    /// once per day; nil when the day was swept already, else how many notices were stored.
    func sweepNotices(on day: LocalDate, planner: ChangeNoticePlanner, at: Instant) async throws -> Int?

    /// The latest day the daily pass swept, nil before the first.
    func lastSweptDay() async throws -> LocalDate?

    /// A client's change notices after a sequence number, in sequence order (the JSON bodies).
    func notices(clientId: String, after sequence: Int, limit: Int) async throws -> [(sequence: Int, body: String)]

    /// A client's last notice sequence number (0 without notices).
    func lastNoticeSequence(clientId: String) async throws -> Int
}

extension RegisterStore {
    /// Stores a batch of events without change notices (tests and tools).
    public func append(_ events: [Event], provenance: WriteProvenance) async throws -> AppendSummary {
        try await append(events, provenance: provenance, notices: nil)
    }

    /// Streams events in without change notices (tests and tools).
    public func appendStreaming(from source: consuming some EventBatchSource, provenance: WriteProvenance) async throws -> AppendSummary {
        try await appendStreaming(from: source, provenance: provenance, notices: nil)
    }
}

/// A storage failure, in the interface's own terms: drivers' errors never reach a client.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    enum Base: Sendable {
        case conflict(index: Int, eventId: EventID)
        case corrupt(String)
        case unavailable(String)
        case notFound(String)
    }

    let base: Base

    /// An event id is already stored with other content.
    public static func conflict(index: Int, eventId: EventID) -> StoreError { StoreError(base: .conflict(index: index, eventId: eventId)) }

    /// This error for a batch that starts at `offset` in a longer input: a conflict's index
    /// counts from the input's start; any other error is itself.
    public func shifted(by offset: Int) -> StoreError {
        guard let conflict else { return self }
        return .conflict(index: offset + conflict.index, eventId: conflict.eventId)
    }
    /// A stored row cannot be read back as an event.
    public static func corrupt(_ message: String) -> StoreError { StoreError(base: .corrupt(message)) }
    /// The database cannot be reached or written.
    public static func unavailable(_ message: String) -> StoreError { StoreError(base: .unavailable(message)) }

    /// What was asked for is not there (such as a log size beyond the log).
    public static func notFound(_ message: String) -> StoreError { StoreError(base: .notFound(message)) }

    /// Whether what was asked for is not there.
    public var isNotFound: Bool {
        if case .notFound = base { return true }
        return false
    }

    /// For a conflict: the index in the batch and the event id.
    public var conflict: (index: Int, eventId: EventID)? {
        if case .conflict(let index, let eventId) = base { return (index, eventId) }
        return nil
    }

    public var description: String {
        switch base {
        case .conflict(let index, let eventId):
            "event \(index) (\(eventId.lowercasedString)) conflicts with a stored event of the same id and other content"
        case .corrupt(let message): "stored data cannot be read: \(message)"
        case .unavailable(let message): "store unavailable: \(message)"
        case .notFound(let message): message
        }
    }
}
