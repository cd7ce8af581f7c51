import KoppelingCore

/// One check of whether this instance can serve: the database answers, the protocol store is
/// readable, the log keys verify the latest checkpoint. `/health/ready` and the console's
/// administration page both show these.
public struct ReadinessCheck: Sendable, Hashable {
    public var name: String
    public var ok: Bool
    /// What was found, without the driver's words (they may name hosts and users).
    public var detail: String
    /// The same in Dutch, for the console.
    public var detailNL: String

    public init(name: String, ok: Bool, detail: String, nl: String) {
        self.name = name
        self.ok = ok
        self.detail = detail
        self.detailNL = nl
    }

    /// The check's name in Dutch.
    public var nameNL: String {
        switch name {
        case "database": "Databank"
        case "protocols": "Protocollen"
        case "keys": "Sleutels van het logboek"
        default: name
        }
    }

    /// Runs every check, in order.
    public static func run(log: TransparencyLog, protocols: ProtocolRegistry) async -> [ReadinessCheck] {
        var checks: [ReadinessCheck] = []
        do {
            let size = try await log.store.logSize()
            checks.append(
                .init(
                    name: "database", ok: true, detail: "reachable, \(size) log entries",
                    nl: "bereikbaar, \(DutchFormat.number(size)) registraties in het logboek"))
        } catch {
            checks.append(.init(name: "database", ok: false, detail: "the database did not answer", nl: "de databank antwoordt niet"))
        }
        do {
            let count = try await protocols.store.protocolRecords().count
            checks.append(
                .init(
                    name: "protocols", ok: true, detail: "\(count) protocol versions readable",
                    nl: "\(DutchFormat.number(count)) protocolversies leesbaar"))
        } catch {
            checks.append(
                .init(
                    name: "protocols", ok: false, detail: "the protocols could not be read", nl: "de protocollen konden niet gelezen worden"
                ))
        }
        do {
            if let latest = try await log.store.latestCheckpoint() {
                let verified = log.open(latest.note) != nil
                checks.append(
                    .init(
                        name: "keys", ok: verified,
                        detail: verified
                            ? "the log keys verify checkpoint \(latest.size)" : "the log key does not verify checkpoint \(latest.size)",
                        nl: verified
                            ? "de sleutels bevestigen controlepunt \(DutchFormat.number(latest.size))"
                            : "de sleutel bevestigt controlepunt \(DutchFormat.number(latest.size)) NIET"))
            } else {
                checks.append(
                    .init(
                        name: "keys", ok: true, detail: "loaded; no checkpoint to verify yet",
                        nl: "geladen; nog geen controlepunt om na te gaan"))
            }
        } catch {
            checks.append(
                .init(
                    name: "keys", ok: false, detail: "the latest checkpoint could not be read",
                    nl: "het laatste controlepunt kon niet gelezen worden"))
        }
        return checks
    }
}
