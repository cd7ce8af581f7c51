import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id and its W3C trace context: `X-Request-Id` and `traceparent` are
/// honoured when the client sends valid ones (else a request id is made and a malformed
/// `traceparent` is ignored), kept in the context for the disclosure records, echoed in every
/// answer (problems included), and put on one structured log line per request, which is also
/// counted and timed in the metrics. The line names the route pattern, never the path with its
/// values, and no header or body: no national number, token or secret reaches the log.
struct RequestTracingMiddleware<Context: ClientRequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    static var requestIdField: HTTPField.Name { HTTPField.Name("X-Request-Id")! }
    static var traceparentField: HTTPField.Name { HTTPField.Name("traceparent")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestId = request.headers[Self.requestIdField].flatMap(Self.validRequestId) ?? UUID().uuidString.lowercased()
        context.traceparent = request.headers[Self.traceparentField].flatMap(Self.validTraceparent)
        context.logger[metadataKey: "request_id"] = .string(context.requestId)
        if let traceparent = context.traceparent { context.logger[metadataKey: "traceparent"] = .string(traceparent) }
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Rendered here (as the framework would) so that problems carry the ids too.
            response = try error.response(from: request, context: context)
        } catch {
            observe(context, request, status: 500, since: start)
            throw error
        }
        response.headers[Self.requestIdField] = context.requestId
        if let traceparent = context.traceparent { response.headers[Self.traceparentField] = traceparent }
        observe(context, request, status: response.status.code, since: start)
        return response
    }

    /// The request's log line and metrics.
    func observe(_ context: Context, _ request: Request, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        // Probes and scrapes come every few seconds from every balancer and monitor: debug level.
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: status, duration: elapsed)
        let level: Logger.Level = route.hasPrefix("/health/") || route == "/metrics" ? .debug : .info
        context.logger.log(
            level: level, "request",
            metadata: [
                "method": .string(request.method.rawValue), "route": .string(route),
                "status": .stringConvertible(status), "ms": .string(String(format: "%.2f", milliseconds)),
            ])
    }

    /// A request id the client chose: 1 to 128 letters, digits, `.`, `_`, `:` or `-`.
    static func validRequestId(_ text: String) -> String? {
        guard (1...128).contains(text.utf8.count),
            text.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || [0x2E, 0x5F, 0x3A, 0x2D].contains($0)
            })
        else { return nil }
        return text
    }

    /// A W3C trace context `traceparent` (version 00): `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`,
    /// ids not all zero.
    static func validTraceparent(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
            parts.dropFirst().allSatisfy({ $0.allSatisfy { $0.isHexDigit && !$0.isUppercase } }),
            parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" })
        else { return nil }
        return text
    }
}
