import ArgumentParser
import KoppelingApp

/// Shows every setting with the value this process would use; secrets as `***`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the configuration (KOPPELING_CONFIG file, environment) and show every setting; secrets are shown as ***.")

    @OptionGroup var options: RegisterOptions

    func run() async throws {
        for setting in try options.configuration().described() {
            print("\(setting.name)=\(setting.value)")
            print("    \(setting.meaning)")
        }
    }
}
