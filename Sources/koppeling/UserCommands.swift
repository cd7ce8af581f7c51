import ArgumentParser
import Foundation
import KoppelingApp
import KoppelingCore
import KoppelingStore

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The console's users: civil servants who sign in with a password and a second factor.",
        subcommands: [Add.self, List.self, Disable.self, Reset.self])

    static func roles(_ texts: [String]) throws -> [ConsoleUser.Role] {
        try texts.map { text in
            guard let role = ConsoleUser.Role(rawValue: text) else {
                throw ValidationError("--role must be one of \(ConsoleUser.Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return role
        }
    }

    /// Runs a change on the register's users; a refusal (a taken or unknown name, a name that is
    /// not one, no role) is printed and exits 1.
    static func run(
        _ options: RegisterOptions, _ body: (KoppelingConfiguration, ConsoleUserAdministration) async throws -> Void
    ) async throws {
        let configuration = try options.configuration()
        let services = try await KoppelingApp.open(configuration)
        do {
            try await body(configuration, services.consoleUsers)
        } catch let error as ConsoleStoreError {
            printError(error.description)
            throw ExitCode(1)
        } catch let error as ConsoleUser.Refusal {
            printError(error.description)
            throw ExitCode(1)
        }
    }

    /// The enrolment link of a token, and until when it works.
    static func printLink(_ enrolment: ConsoleUserAdministration.Enrolment, configuration: KoppelingConfiguration) {
        print("enrolment link (works once, until \(enrolment.user.enrolmentExpiresAt.map(\.description) ?? "-")):")
        print("\(configuration.publicBaseURL)/console/inschrijven?token=\(enrolment.token)")
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user with one or more roles, and print the one-time link they enrol with.")

        @OptionGroup var options: RegisterOptions

        @Option(help: "The sign-in name: 1 to 64 lower-case letters, digits, '.', '_' or '-' (such as jan.peeters).")
        var name: String

        @Option(
            help: """
                A role (repeat for more): case_officer, enforcement_officer, dpo, protocol_admin or administrator.
                """)
        var role: [String]

        func run() async throws {
            let roles = try User.roles(role)
            try await User.run(options) { configuration, users in
                let enrolment = try await users.add(name: name, roles: roles)
                print("user \(name) added with roles \(enrolment.user.roles.map(\.rawValue).joined(separator: ", "))")
                User.printLink(enrolment, configuration: configuration)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users with their roles and state (never a secret).")

        @OptionGroup var options: RegisterOptions

        func run() async throws {
            let services = try await KoppelingApp.open(options.configuration())
            for user in try await services.consoleUsers.store.consoleUsers() {
                print("\(user.name): \(user.state.rawValue), roles \(user.roles.map(\.rawValue).joined(separator: ","))")
            }
        }
    }

    /// What every change to a user names: the register, the user and why.
    struct ChangeOptions: ParsableArguments {
        @OptionGroup var options: RegisterOptions

        @Option(help: "The user's sign-in name.")
        var name: String

        @Option(help: "Why, for the user's history.")
        var reason: String

        /// Runs the change (``User/run(_:_:)``).
        func run(_ body: (KoppelingConfiguration, ConsoleUserAdministration) async throws -> Void) async throws {
            try await User.run(options, body)
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: no more sign-in, and every session of theirs ends.")

        @OptionGroup var change: ChangeOptions

        func run() async throws {
            try await change.run { _, users in
                _ = try await users.disable(name: change.name, by: "operator", reason: change.reason)
                print("user \(change.name) disabled; their sessions have ended")
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Give a user a new enrolment link (a forgotten password, a lost phone): their password and second factor are \
                forgotten and every session of theirs ends.
                """)

        @OptionGroup var change: ChangeOptions

        func run() async throws {
            try await change.run { configuration, users in
                let enrolment = try await users.reset(name: change.name, by: "operator", reason: change.reason)
                print("user \(change.name) reset; their sessions have ended")
                User.printLink(enrolment, configuration: configuration)
            }
        }
    }
}
