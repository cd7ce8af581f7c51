/// One check of whether this instance can serve: the database answers, the protocol store is
/// readable, the log keys verify the latest checkpoint. `/health/ready` and the console's
/// administration page both show these.
public struct ReadinessCheck: Sendable, Hashable {
    public var name: String
    public var ok: Bool
    /// What was found, without the driver's words (they may name hosts and users).
    public var detail: String

    public init(name: String, ok: Bool, detail: String) {
        self.name = name
        self.ok = ok
        self.detail = detail
    }

    /// Runs every check, in order.
    public static func run(log: TransparencyLog, protocols: ProtocolRegistry) async -> [ReadinessCheck] {
        var checks: [ReadinessCheck] = []
        do {
            let size = try await log.store.logSize()
            checks.append(.init(name: "database", ok: true, detail: "reachable, \(size) log entries"))
        } catch {
            checks.append(.init(name: "database", ok: false, detail: "the database did not answer"))
        }
        do {
            let count = try await protocols.store.protocolRecords().count
            checks.append(.init(name: "protocols", ok: true, detail: "\(count) protocol versions readable"))
        } catch {
            checks.append(.init(name: "protocols", ok: false, detail: "the protocols could not be read"))
        }
        do {
            if let latest = try await log.store.latestCheckpoint() {
                let verified = log.open(latest.note) != nil
                checks.append(
                    .init(
                        name: "keys", ok: verified,
                        detail: verified
                            ? "the log keys verify checkpoint \(latest.size)" : "the log key does not verify checkpoint \(latest.size)"))
            } else {
                checks.append(.init(name: "keys", ok: true, detail: "loaded; no checkpoint to verify yet"))
            }
        } catch {
            checks.append(.init(name: "keys", ok: false, detail: "the latest checkpoint could not be read"))
        }
        return checks
    }
}
