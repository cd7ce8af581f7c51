/// The day a status is asked for: one rule for every channel. Without a day in the request it is
/// today (in the register's time zone). The exchange discloses what is true on a day that has come,
/// not what the register expects; the register's own readers (agency and staff) may look ahead.
public enum ReferenceDate {
    /// A requested day the channel does not answer for.
    public enum Refusal: Error, Sendable, Equatable {
        /// The day lies after today.
        case inFuture(requested: LocalDate, today: LocalDate)
    }

    /// The reference date of a request: `requested`, or today without one.
    public static func resolve(_ requested: LocalDate?, today: LocalDate, allowsFuture: Bool) throws(Refusal) -> LocalDate {
        guard let requested else { return today }
        if !allowsFuture, requested > today { throw .inFuture(requested: requested, today: today) }
        return requested
    }
}
