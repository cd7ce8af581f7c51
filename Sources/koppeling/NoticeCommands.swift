import ArgumentParser
import KoppelingApp
import KoppelingCore
import KoppelingStore

struct Notices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Change notices for the followed persons.", subcommands: [Sweep.self])

    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Notify the followers of persons whose allowed fields changed with time alone on a day (a window closed, an exemption ended).",
            discussion: "The server runs this pass for today by itself; a day is swept once.")

        @OptionGroup var options: RegisterOptions

        @Option(name: .customLong("as-of"), help: "The day (YYYY-MM-DD; default today).")
        var asOf: String?

        func run() async throws {
            let configuration = options.configuration()
            guard let day = asOf.map({ LocalDate($0) }) ?? configuration.today() else { throw ValidationError("--as-of must be YYYY-MM-DD") }
            let services = try await KoppelingApp.open(configuration)
            let register = services.register
            guard let count = try await register.store.sweepNotices(on: day, planner: register.notices, at: services.exchange.clock()) else {
                print("\(day) was swept already")
                return
            }
            print("\(day): \(count) change notice(s) stored")
        }
    }
}
