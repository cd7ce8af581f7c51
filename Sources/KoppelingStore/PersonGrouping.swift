public import KoppelingCore

/// Turns events read in person order (`ORDER BY insz, seq`) into one call per person with that
/// person's events in recording order, holding one person's events at a time.
public struct PersonGrouping {
    private var current: NationalNumber?
    private var events: [Event] = []

    public init() {}

    /// Takes the next event; hands over the previous person's events when the person changes.
    public mutating func add(_ event: Event, to body: (NationalNumber, [Event]) throws -> Void) rethrows {
        if event.insz != current {
            if let current { try body(current, events) }
            current = event.insz
            events.removeAll(keepingCapacity: true)
        }
        events.append(event)
    }

    /// Hands over the last person's events.
    public mutating func finish(to body: (NationalNumber, [Event]) throws -> Void) rethrows {
        if let current { try body(current, events) }
        current = nil
        events.removeAll()
    }
}
