import KoppelingCore

/// The request members several routes share, each checked once: a case or work reference and an
/// optional date. What breaks them is a 400 naming the member.
extension Problem {
    /// The problem of a case or work reference that is not 1 to 100 characters, counted as JSON
    /// Schema counts them (Unicode scalars); nil when it is one.
    static func reference(_ text: String, member: String) -> Problem? {
        guard !(1...100).contains(text.unicodeScalars.count) else { return nil }
        return badRequest("\(member) must hold 1 to 100 characters", errors: [.init(pointer: member, reason: "length")])
    }

    /// The problem of a date member that is not `YYYY-MM-DD`.
    static func notADate(member: String) -> Problem {
        badRequest("\(member) must be a date YYYY-MM-DD", errors: [.init(pointer: member, reason: "expected YYYY-MM-DD")])
    }

    /// An optional date member: nil when absent, the problem when it is not `YYYY-MM-DD`.
    static func date(_ text: String?, member: String) throws -> LocalDate? {
        guard let text else { return nil }
        guard let date = LocalDate(text) else { throw notADate(member: member) }
        return date
    }
}
