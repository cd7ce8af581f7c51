public import KoppelingCore
import KoppelingStore
public import Prometheus

/// The server's metrics in the Prometheus text format. No label carries personal data: routes
/// are route patterns (never paths with values), and the other labels come from closed sets: client
/// ids and parties (registered by staff), purposes (only codes of published protocols reach a
/// record), channels, outcomes and HTTP statuses.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50),
        .milliseconds(100), .milliseconds(200), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// One answered request.
    func request(route: String, method: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(
            descriptor: .init(
                namespace: "koppeling", metricName: "http_requests", unitName: "total",
                helpText: "HTTP requests answered, by route pattern and status"), labels: labels
        )
        .increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "koppeling", metricName: "http_request_duration", unitName: "seconds",
                helpText: "Time to answer, by route pattern (lookups: /v1/exchange/lookups)"),
            labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// Disclosure records this instance's exchange stored.
    public func recorded(_ records: [DisclosureRecord]) {
        for record in records {
            registry.makeCounter(
                descriptor: .init(
                    namespace: "koppeling", metricName: "disclosures", unitName: "total",
                    helpText: "Disclosure records stored by this instance's exchange (lookups, refusals, follow enrolments and endings)"),
                labels: [
                    ("party", record.party), ("purpose", record.purpose), ("channel", record.channel.rawValue),
                    ("outcome", record.outcome.rawValue),
                ]
            ).increment()
        }
    }

    /// A request refused for a purpose no protocol names (it leaves no record). Labelled by the
    /// client's registered party only: the purpose asked is the client's free text.
    public func unknownPurpose(party: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "koppeling", metricName: "unknown_purpose_requests", unitName: "total",
                helpText: "Lookups and enrolments refused for a purpose no published protocol names, by party"),
            labels: [("party", party)]
        ).increment()
    }

    /// Reads the state gauges (log size, checkpoint age, webhook backlog and failures) and
    /// renders every metric.
    func render(log: TransparencyLog, webhooks: any WebhookStore, notices: any RegisterStore, now: Instant) async throws -> String {
        registry.makeGauge(
            descriptor: .init(namespace: "koppeling", metricName: "log_size", unitName: "", helpText: "Entries in the transparency log")
        )
        .set(Double(try await log.store.logSize()))
        let checkpoint = try await log.store.latestCheckpoint()
        registry.makeGauge(
            descriptor: .init(
                namespace: "koppeling", metricName: "log_checkpoint_age", unitName: "seconds",
                helpText: "Seconds since the latest signed checkpoint (-1: none yet)")
        )
        .set(checkpoint.map { now.seconds(since: $0.at) } ?? -1)
        for endpoint in try await webhooks.webhooks() {
            let labels = [("client", endpoint.clientId)]
            let last = try await notices.lastNoticeSequence(clientId: endpoint.clientId)
            registry.makeGauge(
                descriptor: .init(
                    namespace: "koppeling", metricName: "webhook_outbox_depth", unitName: "",
                    helpText: "Change notices not yet delivered to the client's webhook"), labels: labels
            )
            .set(Double(max(0, last - endpoint.deliveredSequence)))
            registry.makeGauge(
                descriptor: .init(
                    namespace: "koppeling", metricName: "webhook_failures", unitName: "",
                    helpText: "Consecutive failed deliveries of the client's next notice"), labels: labels
            )
            .set(Double(endpoint.attempts))
            registry.makeGauge(
                descriptor: .init(
                    namespace: "koppeling", metricName: "webhook_disabled", unitName: "",
                    helpText: "1 when the client's webhook is disabled after failing for three days"), labels: labels
            )
            .set(to: endpoint.disabled ? 1.0 : 0.0)
        }
        return registry.emitToString()
    }
}
