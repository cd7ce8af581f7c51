import ArgumentParser
import KoppelingApp
import KoppelingCore

struct NationalNumberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "national-number",
        abstract: "Check national and BIS numbers.",
        discussion: """
            Prints one line per number: `N valid KIND YYYY-MM-DD SEX` (KIND national, bis or magda-test; \
            00 for an unknown month or day, 0000 for an unknown year; SEX M, F or unknown) or `N invalid REASON`. \
            Exits 1 if any number is invalid.
            """)

    @Flag(help: "Accept MAGDA test numbers (month raised by 60).")
    var allowTestNumbers = false

    @Argument(help: "The numbers, as 11 digits or in the form YY.MM.DD-SSS.CC.")
    var numbers: [String]

    func run() throws {
        var policy = try KoppelingConfiguration.loadForCommand().policy
        if allowTestNumbers { policy.allowsTestNumbers = true }
        var anyInvalid = false
        for text in numbers {
            do {
                let number = try NationalNumber(text, policy: policy)
                print("\(text) valid \(number.kind.rawValue) \(number.birthDateText) \(number.sex?.rawValue ?? "unknown")")
            } catch {
                anyInvalid = true
                print("\(text) invalid \(error.description)")
            }
        }
        if anyInvalid { throw ExitCode(1) }
    }
}
