public import KoppelingCore

/// Applies ``NoticeDelivery`` to a client's notices at the moment they are delivered, with the
/// protocols and the client as they are then.
public struct NoticeScreen: Sendable {
    let protocols: ProtocolRegistry
    let clients: any ExchangeStore
    let today: @Sendable () -> LocalDate

    public init(protocols: ProtocolRegistry, clients: any ExchangeStore, today: @escaping @Sendable () -> LocalDate) {
        self.protocols = protocols
        self.clients = clients
        self.today = today
    }

    /// What the rule needs about a client now, to plan inside a transaction without awaiting.
    public struct Snapshot: Sendable {
        public var party: String
        public var enabled: Bool
        public var policy: DisclosurePolicy
        public var day: LocalDate

        /// The plan for a run of the client's notices through `channel`.
        public func plan(_ notices: [(sequence: Int, body: String)], channel: DisclosureChannel) -> NoticeDelivery.Plan {
            NoticeDelivery.plan(notices, party: party, clientEnabled: enabled, channel: channel, policy: policy, on: day)
        }
    }

    /// The client's party and state, the protocols and the day, now. A client no longer
    /// registered is treated as disabled.
    public func snapshot(clientId: String) async throws -> Snapshot {
        let client = try await clients.client(id: clientId)
        return Snapshot(party: client?.party ?? "", enabled: client?.isEnabled ?? false, policy: try await protocols.policy(), day: today())
    }

    /// The plan for a run of a client's notices through `channel`, now.
    public func plan(
        clientId: String, notices: [(sequence: Int, body: String)], channel: DisclosureChannel
    ) async throws -> NoticeDelivery.Plan {
        try await snapshot(clientId: clientId).plan(notices, channel: channel)
    }
}
