import Hummingbird
import KoppelingCore
import KoppelingStore

/// `GET /health/ready`: whether this instance can serve: the database answers, the protocol
/// store is readable, and the log key verifies the latest checkpoint (the keys loaded are the
/// ones the log was signed with). 200 with each check, or 503 problem+json naming the first
/// that failed.
enum Readiness {
    static func check(_ services: KoppelingRouter.Services) async throws -> Response {
        var checks: [(name: String, ok: Bool, detail: String)] = []
        do {
            let size = try await services.transparency.store.logSize()
            checks.append(("database", true, "reachable, \(size) log entries"))
        } catch {
            // The driver's words stay out of an unauthenticated answer: they may name hosts and users.
            checks.append(("database", false, "the database did not answer"))
        }
        do {
            let count = try await services.protocols.store.protocolRecords().count
            checks.append(("protocols", true, "\(count) protocol versions readable"))
        } catch {
            checks.append(("protocols", false, "the protocols could not be read"))
        }
        do {
            if let latest = try await services.transparency.store.latestCheckpoint() {
                let verified = services.transparency.open(latest.note) != nil
                checks.append(
                    (
                        "keys", verified,
                        verified ? "the log keys verify checkpoint \(latest.size)" : "the log key does not verify checkpoint \(latest.size)"
                    ))
            } else {
                checks.append(("keys", true, "loaded; no checkpoint to verify yet"))
            }
        } catch {
            checks.append(("keys", false, "the latest checkpoint could not be read"))
        }
        if let failed = checks.first(where: { !$0.ok }) {
            throw Problem(
                status: .serviceUnavailable, type: Problem.typeURI("not-ready"), title: "This instance is not ready",
                detail: "\(failed.name): \(failed.detail)")
        }
        let members = checks.map { JSONValue.string($0.detail) }
        let body = JSONValue.object([
            "status": .string("ready"),
            "checks": .object(Dictionary(uniqueKeysWithValues: zip(checks.map(\.name), members))),
        ])
        return Response.json(body.canonicalText)
    }
}
