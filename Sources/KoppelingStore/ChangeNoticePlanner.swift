public import KoppelingCore

import struct Foundation.UUID

/// A change notice for one follower: what changed in the fields its protocol allows, the
/// person's current allowed fields, and the disclosure record the notice is.
public struct PlannedNotice: Sendable {
    public var follow: Follow
    public var changed: [DisclosureField]
    public var current: [(field: DisclosureField, value: JSONValue)]
    /// The instant the events that caused it were recorded (or the sweep ran).
    public var recordedAt: Instant
    public var record: DisclosureRecord

    /// The notice as the client receives it, with its sequence number.
    public func body(sequence: Int) -> String {
        JSONValue.object([
            "sequence": .integer(Int64(sequence)),
            "followId": .string(follow.id.lowercasedString),
            "subject": .string(follow.subjectPseudonym),
            "caseReference": .string(follow.caseReference),
            "protocol": .object(["id": .string(follow.protocolId), "version": .integer(Int64(follow.protocolVersion))]),
            "recordedAt": .string(recordedAt.description),
            "changed": .array(changed.map { .string($0.rawValue) }),
            "current": .object(Dictionary(uniqueKeysWithValues: current.map { ($0.field.rawValue, $0.value) })),
            "disclosureId": .string(record.disclosureId.lowercasedString),
        ]).canonicalText
    }
}

/// Decides the change notices that new events cause, for the backends to store in the same
/// transaction as the events. Pure: it is given the follows, the events before and after, and
/// the protocol set, all read inside that transaction.
public struct ChangeNoticePlanner: Sendable {
    let projection: DisclosureProjection
    let today: @Sendable () -> LocalDate

    public init(projection: DisclosureProjection, today: @escaping @Sendable () -> LocalDate) {
        self.projection = projection
        self.today = today
    }

    public init(engine: StatusEngine, today: @escaping @Sendable () -> LocalDate) {
        self.init(projection: DisclosureProjection(engine: engine), today: today)
    }

    /// The notices for one person's followers: one per follow that is active today under a
    /// protocol in force whose allowed fields (for today) differ before and after.
    func plan(
        insz: NationalNumber, follows: [Follow], before: [Event], after: [Event], protocols: [ProtocolRecord], recordedAt: Instant
    ) -> [PlannedNotice] {
        plan(follows: follows, protocols: protocols, recordedAt: recordedAt, day: today()) { fields, day in
            (
                projection.project(before, insz: insz, on: day, fields: fields),
                projection.project(after, insz: insz, on: day, fields: fields)
            )
        }
    }

    /// The notices that time alone causes on `day` (a window closes, an exemption ends): the
    /// allowed fields on `day` against those on the day before, for the same events.
    func sweep(
        insz: NationalNumber, follows: [Follow], events: [Event], protocols: [ProtocolRecord], on day: LocalDate, at instant: Instant
    ) -> [PlannedNotice] {
        plan(follows: follows, protocols: protocols, recordedAt: instant, day: day) { fields, day in
            (
                projection.project(events, insz: insz, on: day.adding(days: -1), fields: fields),
                projection.project(events, insz: insz, on: day, fields: fields)
            )
        }
    }

    private func plan(
        follows: [Follow], protocols: [ProtocolRecord], recordedAt: Instant, day: LocalDate,
        compare: ([DisclosureField], LocalDate) -> (
            before: [(field: DisclosureField, value: JSONValue)], after: [(field: DisclosureField, value: JSONValue)]
        )
    ) -> [PlannedNotice] {
        let policy = DisclosurePolicy(protocols: protocols)
        var notices: [PlannedNotice] = []
        for follow in follows where follow.endedAt == nil && day <= follow.until {
            guard
                case .allowed(let protocolId, let version, let fields) = policy.decide(
                    party: follow.party, purpose: follow.purpose, channel: .follow, fields: nil, on: day)
            else { continue }
            let (before, after) = compare(fields, day)
            let changed = zip(before, after).filter { $0.value != $1.value }.map(\.1.field)
            guard !changed.isEmpty else { continue }
            let record = DisclosureRecord(
                disclosureId: UUID(), at: recordedAt, clientId: follow.clientId, party: follow.party, purpose: follow.purpose,
                channel: .follow,
                caseReference: follow.caseReference, protocolId: protocolId, protocolVersion: version, fields: after.map(\.field),
                outcome: .notice,
                referenceDate: day, subjectPseudonym: follow.subjectPseudonym, requestId: "notice:\(follow.id.lowercasedString)",
                traceparent: nil)
            notices.append(PlannedNotice(follow: follow, changed: changed, current: after, recordedAt: recordedAt, record: record))
        }
        return notices
    }
}

extension ChangeNoticePlanner {
    /// The days the daily pass must sweep to be up to date on `today`: every day after the last one
    /// swept, so that a day on which the pass failed or the server was down still gets its notices
    /// (each once: the store refuses a day swept already); only today before the first pass.
    public static func daysToSweep(lastSwept: LocalDate?, today: LocalDate) -> [LocalDate] {
        guard let lastSwept, lastSwept < today else { return lastSwept == nil ? [today] : [] }
        var days: [LocalDate] = []
        var day = lastSwept.adding(days: 1)
        while day <= today {
            days.append(day)
            day = day.adding(days: 1)
        }
        return days
    }
}

/// The events a transaction stored, by person, kept while someone follows persons, so that the
/// change notices they cause can be planned before the transaction commits (every backend).
public struct NewEvents: Sendable {
    /// Whether any follow is active; if not, nothing is kept and no notice can arise.
    public var tracking: Bool
    /// National number digits to the ids of the events stored for them in this transaction.
    public var byPerson: [String: Set<String>] = [:]
    /// The national number digits of every person with an event stored in this transaction, for
    /// the status projection (kept whether or not a follow is active).
    public var persons: Set<String> = []

    public init(tracking: Bool) {
        self.tracking = tracking
    }
}

extension ChangeNoticePlanner {
    /// The persons whose stored events ``plan(new:followed:events:protocols:recordedAt:)`` needs:
    /// those with new events and an active follow.
    public static func persons(new stored: NewEvents, followed: [String: [Follow]]) -> [String] {
        stored.byPerson.keys.filter { followed[$0] != nil }.sorted()
    }

    /// The notices a transaction's new events cause, in national-number order: for each followed
    /// person, the allowed fields with and without the new events. `events` holds those persons'
    /// stored events (new ones included) by national-number digits; every backend reads them in
    /// its own way and plans with this.
    public func plan(
        new stored: NewEvents, followed: [String: [Follow]], events: [String: [Event]], protocols: [ProtocolRecord], recordedAt: Instant
    ) -> [PlannedNotice] {
        var planned: [PlannedNotice] = []
        for digits in Self.persons(new: stored, followed: followed) {
            guard let ids = stored.byPerson[digits], let follows = followed[digits], let after = events[digits],
                let insz = try? NationalNumber(digits, policy: .stored)
            else { continue }
            let before = after.filter { !ids.contains($0.eventId.lowercasedString) }
            planned += plan(insz: insz, follows: follows, before: before, after: after, protocols: protocols, recordedAt: recordedAt)
        }
        return planned
    }

    /// The notices of the daily sweep for `day`, in national-number order, for the active
    /// follows given; `events` holds the followed persons' stored events by national-number digits.
    public func sweep(
        follows: [Follow], events: [String: [Event]], protocols: [ProtocolRecord], on day: LocalDate, at instant: Instant
    ) -> [PlannedNotice] {
        var planned: [PlannedNotice] = []
        for (digits, personFollows) in Dictionary(grouping: follows, by: \.insz).sorted(by: { $0.key < $1.key }) {
            guard let insz = try? NationalNumber(digits, policy: .stored) else { continue }
            planned += sweep(insz: insz, follows: personFollows, events: events[digits] ?? [], protocols: protocols, on: day, at: instant)
        }
        return planned
    }
}
