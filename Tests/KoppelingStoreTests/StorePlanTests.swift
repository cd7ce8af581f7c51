import Foundation
import KoppelingCore
import KoppelingStore
import Testing

/// The rules that both backends execute, tested as the pure values they are.
@Suite("Store plans: the rules both backends execute")
struct StorePlanTests {
    static let now = Instant(microsecondsSinceEpoch: 1_800_000_000_000_000)

    @Test("a log append plan writes the rows an independent tree expects: every leaf, and each perfect subtree once")
    func logAppendPlan() throws {
        var frontier = MerkleFrontier()
        var nodes: [LogAppendPlan.Node] = []
        var texts: [String] = []
        // Appended in three calls, as three transactions would.
        for (start, count) in [(0, 1), (1, 6), (7, 6)] {
            let records = (start..<(start + count)).map(TransparencyLogTests.record)
            let plan = LogAppendPlan(appending: records, toSize: start, frontier: &frontier)
            #expect(plan.entries.map(\.sequence) == (start..<(start + count)).map { Int64($0 + 1) })
            #expect(plan.entries.map(\.text) == records.map(\.canonicalJSON))
            nodes += plan.nodes
            texts += plan.entries.map(\.text)
        }
        #expect(nodes.filter { $0.level == 0 }.map(\.hash) == texts.map { Merkle.leafHash(Array($0.utf8)) })
        // A tree of 13 leaves completes 6 + 3 + 1 perfect subtrees above its leaves.
        #expect(nodes.filter { $0.level == 1 }.count == 6 && nodes.filter { $0.level == 2 }.count == 3)
        #expect(nodes.filter { $0.level == 3 }.count == 1 && nodes.allSatisfy { $0.level <= 3 })
        let perfect: Merkle.PerfectHash = { level, index in
            try #require(nodes.first { $0.level == Int64(level) && $0.lastLeaf == Int64(((index + 1) << level) - 1) }).hash
        }
        let leaves = texts.map { Merkle.leafHash(Array($0.utf8)) }
        var independent = MerkleFrontier()
        for leaf in leaves { independent.append(leafHash: leaf) }
        #expect(try Merkle.root(size: 13, perfect: perfect) == independent.root)
    }

    @Test("issuing a checkpoint: none for an empty log, the latest while it covers the log, else a new one over all")
    func checkpointPlan() {
        let latest = StoredCheckpoint(size: 10, at: Self.now, note: "n")
        #expect(CheckpointPlan(latest: nil, logSize: 0) == .current(nil))
        #expect(CheckpointPlan(latest: nil, logSize: 3) == .issue(size: 3))
        #expect(CheckpointPlan(latest: latest, logSize: 10) == .current(latest))
        #expect(CheckpointPlan(latest: latest, logSize: 11) == .issue(size: 11))
    }

    @Test("webhook endpoints: registration, rotation with overlap, replay and delivery as transitions; due unless waiting or disabled")
    func webhookTransitions() {
        let new = WebhookEndpoint.registering(
            nil, clientId: "c", url: "https://a.example", secret: "whsec_A", overlapUntil: nil, lastSequence: 7)
        #expect(new.deliveredSequence == 7 && new.secrets == [.init(secret: "whsec_A", validUntil: nil)] && new.isDue(at: Self.now))
        var failing = new
        failing.attempts = 3
        failing.failingSince = Self.now
        failing.nextAttemptAt = Self.now.adding(seconds: 60)
        #expect(!failing.isDue(at: Self.now) && failing.isDue(at: Self.now.adding(seconds: 60)))
        failing.disabled = true
        #expect(!failing.isDue(at: Self.now.adding(seconds: 3600)))
        let until = Self.now.adding(seconds: 600)
        let rotated = WebhookEndpoint.registering(
            failing, clientId: "c", url: "https://b.example", secret: "whsec_B", overlapUntil: until, lastSequence: 99)
        #expect(rotated.url == "https://b.example" && rotated.deliveredSequence == 7 && rotated.isDue(at: Self.now))
        #expect(rotated.secrets == [.init(secret: "whsec_B", validUntil: nil), .init(secret: "whsec_A", validUntil: until)])
        #expect(rotated.validSecrets(at: until) == ["whsec_B"])
        var replayed = failing
        replayed.replay(from: 3)
        #expect(replayed.deliveredSequence == 2 && replayed.attempts == 0 && replayed.failingSince == nil && replayed.isDue(at: Self.now))
        replayed.replay(from: 0)
        #expect(replayed.deliveredSequence == 0)
        var delivering = failing
        delivering.disabled = false
        delivering.delivered(8)
        #expect(delivering.deliveredSequence == 8 && delivering.attempts == 0 && delivering.nextAttemptAt == nil)
    }

    @Test("the DPO's search is one statement: numbered parameters in order, the dialect's purpose expression, a saturating start")
    func searchStatement() {
        let filter = DisclosureFilter(
            clientId: "c", party: "p", purpose: "X", outcome: "allowed", from: Self.now, to: Self.now.adding(seconds: 1))
        let statement = StoreSQL.searchDisclosures(filter, after: Int.max, limit: 5, purposeExpression: "PURPOSE(record)")
        #expect(
            statement.sql
                == "SELECT seq, record FROM disclosure WHERE seq > $1 AND client = $2 AND party = $3 AND outcome = $4 AND at >= $5 "
                + "AND at < $6 AND PURPOSE(record) = $7 ORDER BY seq LIMIT $8")
        #expect(
            statement.arguments == [
                .integer(Int64.max), .text("c"), .text("p"), .text("allowed"), .integer(Self.now.microsecondsSinceEpoch),
                .integer(Self.now.microsecondsSinceEpoch + 1_000_000), .text("X"), .integer(5),
            ])
        #expect(
            StoreSQL.searchDisclosures(DisclosureFilter(), after: nil, limit: 1, purposeExpression: "x").arguments == [
                .integer(0), .integer(1),
            ])
    }

    @Test("a used token id is remembered for an hour after its token expires, to the microsecond")
    func usedTokenIdHorizon() {
        #expect(UsedTokenIds.forgottenBefore(Self.now) == Self.now.microsecondsSinceEpoch - 3_600 * 1_000_000)
    }

    @Test("disclosure counters: each record counts once in its UTC month and once in its UTC hour, per client, party, purpose, outcome")
    func tallyIncrements() {
        // 2026-01-31T23:59:59Z, then one second later (February), one record per instant;
        // 1_790_000_000 s is 2026-09-21T13:33:20Z.
        let records = [0, 1, 1].map { n in
            var record = TransparencyLogTests.record(5)
            record.at = Instant("2026-01-31T23:59:59Z")!.adding(seconds: Int64(n))
            return record
        }
        let increments = DisclosureTally.increments(records)
        #expect(
            increments.map { "\($0.key.grain.rawValue) \($0.key.period) \($0.key.outcome) \($0.count)" } == [
                "H 2026-01-31T23 no_protocol 1", "H 2026-02-01T00 no_protocol 2", "M 2026-01 no_protocol 1", "M 2026-02 no_protocol 2",
            ])
        var frontier = MerkleFrontier()
        #expect(LogAppendPlan(appending: records, toSize: 0, frontier: &frontier).tallies == increments)
    }

    @Test("disclosure counters: a period on whole hours is covered by whole months and the hours at its ragged ends, exactly once")
    func tallySpans() throws {
        func spans(_ from: String?, _ to: String?) -> [String]? {
            DisclosureTally.spans(from: from.map { Instant($0)! }, to: to.map { Instant($0)! })?.map {
                "\($0.grain.rawValue) \($0.lower ?? "…") \($0.upper ?? "…")"
            }
        }
        #expect(spans(nil, nil) == ["M … …"])
        // A Brussels day in winter: 23:00Z to 23:00Z.
        #expect(spans("2026-11-30T23:00:00Z", "2026-12-01T23:00:00Z") == ["H 2026-11-30T23 2026-12-01T23"])
        #expect(
            spans("2026-03-14T23:00:00Z", "2026-06-10T22:00:00Z") == [
                "H 2026-03-14T23 2026-04-01T00", "M 2026-04 2026-06", "H 2026-06-01T00 2026-06-10T22",
            ])
        #expect(spans("2026-04-01T00:00:00Z", "2026-06-01T00:00:00Z") == ["M 2026-04 2026-06"])
        #expect(spans("2026-12-31T22:00:00Z", nil) == ["H 2026-12-31T22 2027-01-01T00", "M 2027-01 …"])
        #expect(spans(nil, "2026-02-01T05:00:00Z") == ["M … 2026-02", "H 2026-02-01T00 2026-02-01T05"])
        #expect(spans("2026-05-01T00:00:00Z", "2026-05-01T00:00:00Z") == [])
        // Not on whole hours: the counters cannot answer; the log is counted instead.
        #expect(spans("2026-05-01T00:30:00Z", nil) == nil)
        #expect(spans(nil, "2026-05-01T00:00:00.5Z") == nil)
    }
}
