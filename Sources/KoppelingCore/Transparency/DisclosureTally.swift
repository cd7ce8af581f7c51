/// The counters of disclosure records that the DPO's volumes are read from instead of the whole
/// log: how many records fell in each UTC month and each UTC hour, per client, party, purpose and
/// outcome. Both counters move in the transaction that appends the records, so they always agree
/// with the log; a period that starts and ends on whole hours is answered exactly from them, whole
/// months from the month counters and the ragged ends from the hour counters.
public enum DisclosureTally {
    /// The width of a counter's period.
    public enum Grain: String, Sendable, Hashable, Comparable {
        /// A UTC month, `2026-11`.
        case month = "M"
        /// A UTC hour, `2026-11-30T23`.
        case hour = "H"

        public static func < (lhs: Grain, rhs: Grain) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The period of this width that `instant` falls in; periods of one width sort as text in
        /// time order.
        public func period(_ instant: Instant) -> String {
            String(instant.description.prefix(self == .month ? 7 : 13))
        }
    }

    /// One counter: the records of a period, client, party, purpose and outcome.
    public struct Key: Sendable, Hashable, Comparable {
        public var grain: Grain
        public var period: String
        public var clientId: String
        public var party: String
        public var purpose: String
        public var outcome: String

        public init(grain: Grain, period: String, clientId: String, party: String, purpose: String, outcome: String) {
            self.grain = grain
            self.period = period
            self.clientId = clientId
            self.party = party
            self.purpose = purpose
            self.outcome = outcome
        }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.grain, lhs.period, lhs.clientId, lhs.party, lhs.purpose, lhs.outcome)
                < (rhs.grain, rhs.period, rhs.clientId, rhs.party, rhs.purpose, rhs.outcome)
        }
    }

    /// A counter and how much it grows.
    public struct Increment: Sendable, Hashable {
        public var key: Key
        public var count: Int64
    }

    /// What appending `records` adds to the counters: each record counts once in its month and
    /// once in its hour. One increment per counter, in key order (so that concurrent appends take
    /// the counters' row locks in one order).
    public static func increments(_ records: some Sequence<DisclosureRecord>) -> [Increment] {
        increments(
            records.lazy.map { record in
                (
                    at: record.at, clientId: record.clientId, party: record.party, purpose: record.purpose,
                    outcome: record.outcome.rawValue, count: Int64(1)
                )
            })
    }

    /// The increments of records already grouped (by the database, when the counters are first
    /// built from a log): `count` records at `at`'s hour with these members.
    public static func increments(
        _ groups: some Sequence<(at: Instant, clientId: String, party: String, purpose: String, outcome: String, count: Int64)>
    ) -> [Increment] {
        var counts: [Key: Int64] = [:]
        for group in groups {
            for grain in [Grain.month, .hour] {
                let key = Key(
                    grain: grain, period: grain.period(group.at), clientId: group.clientId, party: group.party, purpose: group.purpose,
                    outcome: group.outcome)
                counts[key, default: 0] += group.count
            }
        }
        return counts.map { Increment(key: $0.key, count: $0.value) }.sorted { $0.key < $1.key }
    }

    /// Which counters to add up for the records at or after `from` and before `to` (either open):
    /// periods of one grain from `lower` (inclusive) to `upper` (exclusive), each bound open when
    /// nil. Nil when a bound is not a whole UTC hour, which the counters cannot split.
    public struct Span: Sendable, Hashable {
        public var grain: Grain
        public var lower: String?
        public var upper: String?
    }

    /// The spans that cover exactly `[from, to)`, or nil when a bound is not on a whole hour.
    public static func spans(from: Instant?, to: Instant?) -> [Span]? {
        let hour: Int64 = 3_600_000_000
        for bound in [from, to].compactMap({ $0 }) where bound.microsecondsSinceEpoch % hour != 0 {
            return nil
        }
        if let from, let to, from >= to { return [] }
        // The whole months inside the period: from the first month start at or after `from`
        // to the last month start at or before `to`.
        let firstWhole = from.map { $0 == monthStart($0) ? $0 : monthStart($0, adding: 1) }
        let lastWhole = to.map { monthStart($0) }
        if let firstWhole, let lastWhole, firstWhole >= lastWhole, let from, let to {
            return [Span(grain: .hour, lower: Grain.hour.period(from), upper: Grain.hour.period(to))]
        }
        var spans: [Span] = []
        if let from, let firstWhole, from < firstWhole {
            spans.append(Span(grain: .hour, lower: Grain.hour.period(from), upper: Grain.hour.period(firstWhole)))
        }
        spans.append(Span(grain: .month, lower: firstWhole.map(Grain.month.period), upper: lastWhole.map(Grain.month.period)))
        if let to, let lastWhole, lastWhole < to {
            spans.append(Span(grain: .hour, lower: Grain.hour.period(lastWhole), upper: Grain.hour.period(to)))
        }
        return spans
    }

    /// The start of the UTC month `instant` falls in, moved by `months`.
    static func monthStart(_ instant: Instant, adding months: Int = 0) -> Instant {
        let (year, month, _) = instant.utcDate.components
        let day = LocalDate(year: year, month: month, day: 1)!.adding(months: months)
        return Instant(microsecondsSinceEpoch: Int64(day.daysSinceEpoch) * 86_400_000_000)
    }
}
