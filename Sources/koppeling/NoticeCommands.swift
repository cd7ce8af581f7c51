import ArgumentParser
import Foundation
import KoppelingApp
import KoppelingCore
import KoppelingDemoData
import KoppelingStore

struct Notices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change notices for the followed persons.", subcommands: [Sweep.self, BenchmarkFollows.self])

    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                """
                Notify the followers of persons whose allowed fields changed with time alone on a day (a window closed, an exemption \
                ended).
                """,
            discussion:
                """
                The server runs this pass every hour by itself. Without --as-of every day not swept yet up to today is swept, in \
                order (a day missed while the server was down is caught up); a day is swept once.
                """
        )

        @OptionGroup var options: RegisterOptions

        @Option(name: .customLong("as-of"), help: "Sweep this day only (YYYY-MM-DD).")
        var asOf: String?

        func run() async throws {
            let configuration = try options.configuration()
            let services = try await KoppelingApp.open(configuration)
            let register = services.register
            guard let asOf else {
                let swept = try await register.sweepMissedDays(through: configuration.today(), at: services.exchange.clock())
                if swept.isEmpty { print("\(configuration.today()) was swept already") }
                for (day, count) in swept { print("\(day): \(count) change notice(s) stored") }
                return
            }
            guard let day = LocalDate(asOf) else { throw ValidationError("--as-of must be YYYY-MM-DD") }
            guard let count = try await register.store.sweepNotices(on: day, planner: register.notices, at: services.exchange.clock())
            else {
                print("\(day) was swept already")
                return
            }
            print("\(day): \(count) change notice(s) stored")
        }
    }

    /// For benchmarks only: enrols the synthetic population on a client's follow list at once.
    struct BenchmarkFollows: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "benchmark-follows", abstract: "Benchmarks only: follow the first N synthetic persons for a client.",
            shouldDisplay: false)

        @OptionGroup var options: RegisterOptions

        @Option var client: String
        @Option var persons = 100_000
        @Option var seed: UInt64 = 1

        func run() async throws {
            var configuration = try options.configuration()
            configuration.allowsTestNumbers = true
            let services = try await KoppelingApp.open(configuration)
            guard let registered = try await services.exchange.store.client(id: client) else { throw ExitCode(1) }
            let policy = try await services.protocols.policy()
            let today = services.exchange.today()
            guard
                case .allowed(let protocolId, let version, _) = policy.decide(
                    party: registered.party, purpose: "ART_1_2_INTEGRATION_EFFORTS", channel: .follow, fields: nil, on: today)
            else { throw ValidationError("no protocol in force with the follow channel") }
            let generator = PopulationGenerator(seed: seed, persons: persons)
            let now = services.exchange.clock()
            var batch: [(follow: Follow, record: DisclosureRecord)] = []
            for index in 0..<persons {
                let insz = generator.nationalNumber(of: index)
                let subject = services.exchange.pseudonymizer.pseudonym(of: insz)
                let follow = Follow(
                    id: UUID(), clientId: registered.id, party: registered.party, purpose: "ART_1_2_INTEGRATION_EFFORTS",
                    caseReference: "BENCH-\(index)",
                    insz: insz.digits, subjectPseudonym: subject, protocolId: protocolId, protocolVersion: version, createdAt: now,
                    until: today.adding(days: 365))
                let record = DisclosureRecord(
                    disclosureId: UUID(), at: now, clientId: registered.id, party: registered.party, purpose: follow.purpose,
                    channel: .follow,
                    caseReference: follow.caseReference, protocolId: protocolId, protocolVersion: version, fields: [], outcome: .enrolled,
                    referenceDate: today,
                    subjectPseudonym: subject, requestId: "benchmark", traceparent: nil)
                batch.append((follow, record))
                if batch.count == 10_000 {
                    try await services.exchange.store.insertFollows(batch)
                    batch.removeAll()
                }
            }
            try await services.exchange.store.insertFollows(batch)
            print("\(persons) follows for \(client)")
        }
    }
}
