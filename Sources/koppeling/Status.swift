import ArgumentParser
import Foundation
import KoppelingApp
import KoppelingCore
import KoppelingStore

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The integration status of a person for a reference date, or a count of all statuses.",
        discussion:
            """
            A person without events is status unknown (exit code 0). --all computes every person's status and prints the count per \
            status; its timing goes to standard error.
            """
    )

    @OptionGroup var options: RegisterOptions

    @Option(help: "The national number.")
    var insz: String?

    @Flag(help: "Compute the status of every person and print the count per status.")
    var all = false

    @Option(name: .customLong("as-of"), help: "The reference date YYYY-MM-DD (default: today).")
    var asOf: String?

    @Option(
        name: .customLong("known-at"), help: "Only count events recorded on or before this ISO 8601 instant, such as 2026-11-29T10:15:00Z.")
    var knownAt: String?

    @Option(
        help:
            """
            With --all: write each person's status code to this file, one line per person in national-number order (no national \
            numbers), to compare two runs.
            """
    )
    var each: String?

    @Flag(help: "Print one JSON object, the shape of the HTTP status answer.")
    var json = false

    @Flag(
        help: """
            With --all: first bring the status projection up to today, then compare every person's projected status with the \
            engine's (exit code 1 on any difference).
            """)
    var projection = false

    func validate() throws {
        guard (insz != nil) != all else { throw ValidationError("Give either --insz N or --all.") }
        if each != nil, !all { throw ValidationError("--each goes with --all.") }
        if projection, !all || asOf != nil || knownAt != nil {
            throw ValidationError("--projection goes with --all, for today and everything known now.")
        }
        if let asOf, LocalDate(asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, got \"\(asOf)\".") }
        if let knownAt, Instant(knownAt) == nil {
            throw ValidationError("--known-at must be an ISO 8601 instant with an offset, such as 2026-11-29T10:15:00Z.")
        }
    }

    func run() async throws {
        let configuration = try options.configuration()
        let referenceDate = asOf.flatMap { LocalDate($0) } ?? configuration.today()
        let knownAtInstant = knownAt.flatMap { Instant($0) }
        let register = try await KoppelingApp.openRegister(configuration)
        if all {
            try await countAll(register: register, referenceDate: referenceDate, knownAt: knownAtInstant)
            return
        }
        let number: NationalNumber
        do {
            number = try NationalNumber(insz!, policy: configuration.policy)
        } catch {
            printError("invalid national number: \(error.description)")
            throw ExitCode(2)
        }
        let status = try await register.status(of: number, on: referenceDate, knownAt: knownAtInstant)
        if json {
            print(StatusAnswer(insz: number, referenceDate: referenceDate, status: status).jsonText)
        } else {
            print(
                """
                \(number.formatted) on \(referenceDate): \(status.status.rawValue) (\(status.status.term.nl) / \
                \(status.status.term.fr))\(status.since.map { " since \($0)" } ?? "")
                """
            )
            for reason in status.reasons {
                print("  - \(reason.text(in: .nl)) [\(reason.legalReference)]")
            }
            let flags = status.flags
            func yesNo(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "unknown" }
            print(
                """
                  flags: open infringement \(yesNo(flags.openInfringement)), fines decided \
                \(flags.finesDecided.map(String.init) ?? "unknown"), 
                """
                    + """
                    closed without follow-up \(yesNo(flags.infringementClosedWithoutFollowUp)), term for a fine passed \
                    \(yesNo(flags.infringementTermExpired)), 
                    """
                    + "reported to another authority \(yesNo(flags.infringementOtherAuthority)), postponed \(yesNo(flags.postponed)), "
                    + "open-ended postponement to review \(yesNo(flags.postponementOpenEndedReview))")
        }
    }

    func countAll(register: Register, referenceDate: LocalDate, knownAt: Instant?) async throws {
        var counts = [Int](repeating: 0, count: StatusCode.allCases.count)
        var persons = 0
        var events = 0
        var computeSeconds = 0.0
        let total = Stopwatch()
        var chunk: [[Event]] = []
        var lines = ""
        let engine = register.engine
        // The projection's rows, in national-number order like the persons below.
        var projected: [ProjectedStatus] = []
        if projection {
            let stopwatch = Stopwatch()
            let refreshed = try await register.refreshProjection()
            printError("projection: \(refreshed) persons computed again in \(String(format: "%.2f", stopwatch.seconds)) s")
            var after = ""
            while true {
                let page = try await register.store.projectedStatuses(status: nil, after: after, limit: 50_000)
                projected += page
                guard let last = page.last, page.count == 50_000 else { break }
                after = last.insz
            }
        }
        var next = 0
        var differences = 0
        // Persons are evaluated in chunks so that the status computation can be timed apart from reading.
        func evaluate() {
            let stopwatch = Stopwatch()
            for personEvents in chunk {
                let status = engine.status(of: personEvents, on: referenceDate, knownAt: knownAt)
                counts[StatusCode.allCases.firstIndex(of: status.status)!] += 1
                if each != nil { lines += status.status.rawValue + "\n" }
            }
            computeSeconds += stopwatch.seconds
            chunk.removeAll(keepingCapacity: true)
        }
        try await register.store.forEachPerson { insz, personEvents in
            if projection {
                while next < projected.count, projected[next].insz < insz.digits {
                    next += 1
                    differences += 1  // a row of a person without events
                }
                let status = engine.status(of: personEvents, on: referenceDate)
                if next < projected.count, projected[next].insz == insz.digits, projected[next].holds(on: referenceDate),
                    projected[next].status == status.status, projected[next].since == status.since
                {
                    next += 1
                } else {
                    if next < projected.count, projected[next].insz == insz.digits { next += 1 }
                    differences += 1
                }
            }
            chunk.append(personEvents)
            persons += 1
            events += personEvents.count
            if chunk.count == 10_000 { evaluate() }
        }
        evaluate()
        if let each { try lines.write(toFile: each, atomically: true, encoding: .utf8) }
        for (index, code) in StatusCode.allCases.enumerated() {
            print("\(code.rawValue)\t\(counts[index])")
        }
        if projection {
            differences += projected.count - next
            print("projection: \(projected.count) rows, \(differences) differ from the engine")
            if differences > 0 { throw ExitCode(1) }
        }
        let seconds = total.seconds
        printError(
            "\(persons) persons, \(events) events read and evaluated in \(String(format: "%.2f", seconds)) s; "
                + "status computation alone \(String(format: "%.3f", computeSeconds)) s "
                + "(\(Int(Double(persons) / max(computeSeconds, 1e-9))) statuses/s)")
    }
}
