import ArgumentParser

@main
struct Koppeling: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "koppeling",
        abstract: "The integration-data link between the Flemish integration register and the Immigration Office.",
        subcommands: [
            Demo.self, Serve.self, Import.self, Status.self, Generate.self, NationalNumberCommand.self,
            ProtocolCommand.self, Party.self, Keys.self, Client.self, Log.self, Audit.self, Notices.self, Batch.self, Migrate.self,
            Backup.self, Copy.self, ConfigCommand.self, User.self,
        ])
}

/// Options every command that touches the register takes.
struct RegisterOptions: ParsableArguments {
    @Option(
        help:
            """
            The register: a SQLite file, or postgres://user:password@host:port/database[?sslmode=disable|prefer|require] (default: \
            $KOPPELING_DATABASE, else koppeling.sqlite in the working directory).
            """
    )
    var database: String?

    @Flag(help: "Accept MAGDA test national numbers (month raised by 60); default: $KOPPELING_ALLOW_TEST_NUMBERS.")
    var allowTestNumbers = false
}
