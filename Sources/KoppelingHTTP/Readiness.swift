import Hummingbird
import KoppelingCore
import KoppelingStore

/// `GET /health/ready`: whether this instance can serve: the database answers, the protocol
/// store is readable, and the log key verifies the latest checkpoint (the keys loaded are the
/// ones the log was signed with). 200 with each check, or 503 problem+json naming the first
/// that failed.
enum Readiness {
    static func check(_ services: KoppelingRouter.Services) async throws -> Response {
        let checks = await ReadinessCheck.run(log: services.transparency, protocols: services.protocols)
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
