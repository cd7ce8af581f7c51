/// Whether stored change notices may still go out, at the moment they are delivered (pulled from
/// the feed, sent to a webhook, written to a batch file): a notice made under a protocol that has
/// since been suspended, revoked or narrowed is not delivered. The one rule for every delivery path.
public enum NoticeDelivery {
    /// What happens to one notice now.
    public enum Verdict: Sendable, Hashable {
        /// It goes out.
        case deliver
        /// Not now, perhaps later (the protocol is suspended, or the client disabled): it and
        /// every later notice wait, so that the order is kept.
        case hold(String)
        /// Never (the protocol was revoked, expired, or its version in force no longer grants the
        /// notice's fields): it is passed over, and the ones after it go out.
        case drop(String)
    }

    /// What a notice says of itself: the protocol it was made under and the fields it carries.
    public struct Header: Sendable, Hashable {
        public var protocolId: String
        public var version: Int
        public var fields: Set<String>

        /// Reads the header of a notice body as ``ChangeNoticePlanner`` writes it; nil when the body is not one.
        public init?(body: String) {
            guard case .object(let members)? = try? JSONValue.parse(body), case .object(let proto)? = members["protocol"],
                case .string(let id)? = proto["id"], case .integer(let version)? = proto["version"]
            else { return nil }
            var fields: Set<String> = []
            if case .object(let current)? = members["current"] { fields.formUnion(current.keys) }
            if case .array(let changed)? = members["changed"] { fields.formUnion(changed.compactMap(\.stringValue)) }
            self.protocolId = id
            self.version = Int(version)
            self.fields = fields
        }
    }

    /// The verdict on one notice for a recipient party through a channel on a day: the newest
    /// published version of the protocol the notice was made under must be in force, grant the
    /// channel to the party, and grant every field the notice carries.
    public static func verdict(
        _ header: Header, party: String, channel: DisclosureChannel, policy: DisclosurePolicy, on date: LocalDate
    ) -> Verdict {
        let versions = policy.protocols.filter { record in
            record.document.id == header.protocolId && record.publishedOn != nil
                && record.document.parties.contains { $0.id == party && $0.role == .recipient }
        }
        guard let governing = versions.max(by: { $0.document.version < $1.document.version }) else {
            return .drop(DisclosureDecision.DenialReason.noProtocol.rawValue)
        }
        switch policy.decide(governing, channel: channel, fields: nil, on: date) {
        case .allowed(_, _, let granted):
            let grantedNames = Set(granted.map(\.rawValue))
            return header.fields.isSubset(of: grantedNames) ? .deliver : .drop("fields_no_longer_granted")
        case .denied(let reason):
            switch reason {
            case .suspended, .notYetInForce: return .hold(reason.rawValue)
            case .noProtocol, .notPublished, .expired, .revoked, .channelNotAllowed: return .drop(reason.rawValue)
            }
        }
    }

    /// What to do with a run of a client's notices, in sequence order.
    public struct Plan: Sendable, Equatable {
        /// The positions (in the run) of the notices that go out, in order.
        public var deliver: [Int] = []
        /// The sequence numbers of the notices passed over for good, with why.
        public var dropped: [(sequence: Int, reason: String)] = []
        /// The last sequence number dealt with (delivered or passed over): where the next run starts after.
        public var lastSettled: Int?
        /// The first notice held back, with why; nothing after it is delivered now.
        public var held: (sequence: Int, reason: String)?

        public init() {}

        public static func == (a: Plan, b: Plan) -> Bool {
            a.deliver == b.deliver && a.lastSettled == b.lastSettled && a.held?.sequence == b.held?.sequence
                && a.held?.reason == b.held?.reason
                && a.dropped.map(\.sequence) == b.dropped.map(\.sequence) && a.dropped.map(\.reason) == b.dropped.map(\.reason)
        }
    }

    /// The plan for a run of notices; with `clientEnabled` false, everything is held.
    public static func plan(
        _ notices: [(sequence: Int, body: String)], party: String, clientEnabled: Bool, channel: DisclosureChannel,
        policy: DisclosurePolicy, on date: LocalDate
    ) -> Plan {
        var plan = Plan()
        for (index, notice) in notices.enumerated() {
            let verdict: Verdict
            if !clientEnabled {
                verdict = .hold("client_disabled")
            } else if let header = Header(body: notice.body) {
                verdict = Self.verdict(header, party: party, channel: channel, policy: policy, on: date)
            } else {
                verdict = .drop("unreadable")
            }
            switch verdict {
            case .deliver:
                plan.deliver.append(index)
                plan.lastSettled = notice.sequence
            case .drop(let reason):
                plan.dropped.append((notice.sequence, reason))
                plan.lastSettled = notice.sequence
            case .hold(let reason):
                plan.held = (notice.sequence, reason)
                return plan
            }
        }
        return plan
    }
}
