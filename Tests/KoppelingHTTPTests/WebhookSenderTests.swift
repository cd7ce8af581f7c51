import Foundation
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import Synchronization
import Testing

/// Hole 5 of issue 13 at delivery: the address is checked after DNS and pinned, redirects are not
/// followed, failures are categories. Against a real HTTP server on loopback.
@Suite("Webhook sender (issue 13, hole 5)")
struct WebhookSenderTests {
    final class Hits: Sendable {
        let paths = Mutex<[String]>([])
    }

    @Test("a name resolving inside is refused after DNS; an allowed one goes to the address checked; a redirect is not followed")
    func delivery() async throws {
        let hits = Hits()
        let router = Router()
        router.post("hook") { _, _ in
            hits.paths.withLock { $0.append("hook") }
            return HTTPResponse.Status.ok
        }
        router.post("moved") { _, _ in
            hits.paths.withLock { $0.append("moved") }
            return Response(status: .found, headers: [.location: "/hook"])
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let toLoopback: WebhookSender.Resolve = { _ in [[127, 0, 0, 1]] }
            let strict = WebhookSender(policy: WebhookAddressPolicy(allowsLocal: false), resolve: toLoopback)
            await #expect(throws: WebhookFailure.addressNotAllowed) {
                _ = try await strict.deliver(url: "https://hooks.dvz.example:\(port)/hook", headers: [:], body: "{}")
            }
            // One address inside among public ones is enough to refuse.
            let mixed = WebhookSender(
                policy: WebhookAddressPolicy(allowsLocal: false), resolve: { _ in [[93, 184, 216, 34], [10, 0, 0, 1]] })
            await #expect(throws: WebhookFailure.addressNotAllowed) {
                _ = try await mixed.deliver(url: "https://hooks.dvz.example/hook", headers: [:], body: "{}")
            }
            #expect(hits.paths.withLock { $0 }.isEmpty)
            // Allowed (the demo's setting): the request goes to the address that was checked, though
            // the name itself resolves nowhere.
            let local = WebhookSender(policy: WebhookAddressPolicy(allowsLocal: true), resolve: toLoopback)
            #expect(try await local.deliver(url: "http://hooks.dvz.example:\(port)/hook", headers: [:], body: "{}") == 200)
            #expect(hits.paths.withLock { $0 } == ["hook"])
            #expect(try await local.deliver(url: "http://hooks.dvz.example:\(port)/moved", headers: [:], body: "{}") == 302)
            #expect(hits.paths.withLock { $0 } == ["hook", "moved"], "the redirect was not followed")
            let nowhere = WebhookSender(policy: WebhookAddressPolicy(allowsLocal: true), resolve: { _ in [] })
            await #expect(throws: WebhookFailure.noAnswer) {
                _ = try await nowhere.deliver(url: "http://hooks.dvz.example:\(port)/hook", headers: [:], body: "{}")
            }
            // A closed port: no answer, whatever the reason.
            await #expect(throws: WebhookFailure.noAnswer) {
                _ = try await local.deliver(url: "http://127.0.0.1:1/hook", headers: [:], body: "{}")
            }
        }
    }
}
