import HTTPTypes
import KoppelingCore

/// The request members several routes share, each checked once: a national number, a case or
/// work reference and an optional date. What breaks them is a problem naming the member.
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

    /// A national number member under `policy`; one that is not valid is a 422 with the reason.
    static func nationalNumber(_ text: String, policy: NationalNumber.Policy, member: String = "insz") throws -> NationalNumber {
        do {
            return try NationalNumber(text, policy: policy)
        } catch {
            throw Problem(
                status: .unprocessableContent, type: typeURI("invalid-national-number"), title: "The national number is not valid",
                detail: error.description, errors: [.init(pointer: member, reason: error.code)])
        }
    }
}
