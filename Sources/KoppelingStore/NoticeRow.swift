public import KoppelingCore

/// A change notice as stored: its place in its client's sequence and the body the client receives.
public struct NoticeRow: Sendable, Hashable {
    public var client: String
    public var sequence: Int
    public var followId: String
    /// When the events that caused it were recorded, in microseconds since the epoch.
    public var at: Int64
    public var body: String

    /// The clients whose last sequence numbers numbering `planned` needs, in their first order.
    public static func clients(of planned: [PlannedNotice]) -> [String] {
        var seen: Set<String> = []
        return planned.map(\.follow.clientId).filter { seen.insert($0).inserted }
    }

    /// The rows of planned notices: each client's notices numbered on from its last sequence
    /// number (`last`, 0 for a client without notices), without gaps, in the order planned.
    public static func numbering(_ planned: [PlannedNotice], after last: [String: Int]) -> [NoticeRow] {
        var next = last.mapValues { $0 + 1 }
        return planned.map { notice in
            let client = notice.follow.clientId
            let sequence = next[client, default: 1]
            next[client] = sequence + 1
            return NoticeRow(
                client: client, sequence: sequence, followId: notice.follow.id.lowercasedString,
                at: notice.recordedAt.microsecondsSinceEpoch, body: notice.body(sequence: sequence))
        }
    }
}
