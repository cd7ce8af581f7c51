import ArgumentParser
import Foundation
import KoppelingApp
import KoppelingCore
import KoppelingKBI
import KoppelingStore

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import into the register.", subcommands: [KBI.self, Events.self, Residence.self])

    struct KBI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kbi",
            abstract: "Import MAGDA GeefDossierKBI answers (XML), each file atomically.",
            discussion:
                "A file that fails stores nothing and is named with the reason; the others are imported. Exits 1 if any file failed.")

        @OptionGroup var options: RegisterOptions

        @Flag(help: "Print the import report as JSON lines.")
        var json = false

        @Argument(help: "The answer files.")
        var files: [String]

        func run() async throws {
            let register = try await KoppelingApp.openRegister(options.configuration())
            var failed = 0
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    printError("\(file): cannot read the file")
                    failed += 1
                    continue
                }
                do {
                    let report = try await register.importKBI(data, by: operatorProvenance())
                    if json {
                        let object: JSONValue = .object([
                            "file": .string(file), "version": .string(report.version),
                            "eventsInDossier": .integer(Int64(report.eventsInDossier)), "stored": .integer(Int64(report.summary.stored)),
                            "unmapped": .array(
                                report.unmapped.map {
                                    .object(["path": .string($0.path), "value": .string($0.value), "note": .string($0.note)])
                                }),
                            "warnings": .array(
                                report.warnings.map {
                                    .object(["path": .string($0.path), "line": .integer(Int64($0.line)), "message": .string($0.message)])
                                }),
                        ])
                        print(object.canonicalText)
                    } else {
                        print(
                            """
                            \(file): \(report.eventsInDossier) events in the dossier, \(report.summary.stored) stored, \
                            \(report.unmapped.count) items not mapped, \(report.warnings.count) warnings
                            """
                        )
                        for warning in report.warnings {
                            print("  warning: \(warning.path) (line \(warning.line)): \(warning.message)")
                        }
                        for item in report.unmapped {
                            print("  not mapped: \(item.path) = \"\(item.value)\": \(item.note)")
                        }
                    }
                } catch let error as KBIImportError {
                    printError("\(file): \(error.description)")
                    failed += 1
                }
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import events from an NDJSON file (one event per line), all or nothing.",
            discussion: """
                The file is streamed in constant memory and stored in one transaction: a file with an invalid \
                line stores nothing and names the line and the reason. Events already stored with the same \
                content are skipped, so running it again after a crash or a fix completes the import without duplicates.
                """)

        @OptionGroup var options: RegisterOptions

        @Argument(help: "The NDJSON file, or - for standard input.")
        var file: String

        func run() async throws {
            let configuration = try options.configuration()
            let register = try await KoppelingApp.openRegister(configuration)
            // Standard input cannot be read twice: its events carry no file digest.
            var provenance = operatorProvenance()
            if file != "-" { provenance.importDigest = try fileDigest(path: file) }
            var reader = try NDJSONEventReader(path: file, policy: configuration.policy)
            let stopwatch = Stopwatch()
            if standardErrorIsTerminal {
                var last = 0.0
                reader.progress = { events, bytes in
                    let now = stopwatch.seconds
                    guard now - last > 0.5 else { return }
                    last = now
                    let line = "\r\(events) events read, \(bytes / 1_048_576) MiB, \(Int(Double(events) / max(now, 0.001)))/s   "
                    FileHandle.standardError.write(Data(line.utf8))
                }
            }
            do {
                let summary = try await register.appendStreaming(from: reader, by: provenance)
                if standardErrorIsTerminal { printError("") }
                let seconds = stopwatch.seconds
                let total = summary.stored + summary.alreadyPresent
                print(
                    """
                    \(file): \(total) events, \(summary.stored) stored, \(summary.alreadyPresent) already present, in \
                    \(String(format: "%.1f", seconds)) s (\(Int(Double(total) / max(seconds, 0.001))) events/s)
                    """
                )
            } catch let error as NDJSONEventReader.LineError {
                if standardErrorIsTerminal { printError("") }
                printError("\(file): \(error.description); nothing was stored")
                throw ExitCode(1)
            } catch let error as StoreError {
                if standardErrorIsTerminal { printError("") }
                if let conflict = error.conflict {
                    printError(
                        """
                        \(file): event \(conflict.index + 1) (\(conflict.eventId.lowercasedString)) is already stored with other \
                        content; nothing was stored
                        """
                    )
                } else {
                    printError("\(file): \(error.description); nothing was stored")
                }
                throw ExitCode(1)
            }
        }
    }
}

extension Import {
    struct Residence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import residences from the National Register (CSV or NDJSON), all or nothing.",
            discussion: """
                Each line is a national number, the date the person lives there from, and the NIS code of the \
                Belgian municipality or the ISO 3166-1 alpha-2 code of the country abroad. CSV needs a header naming \
                the columns insz, date and nisCode or country (or one place column); NDJSON lines are objects with \
                those members. Each line becomes a residence_changed event whose region follows from the NIS code's \
                province digits (21 Brussels; 1, 23, 24, 3, 4, 7 Flanders; 25, 5, 6, 8, 9 Wallonia). A file with an \
                invalid line stores nothing and names every such line; importing the same file again adds nothing.
                """)

        @OptionGroup var options: RegisterOptions

        @Option(help: "The events' source (default national-register).")
        var source = "national-register"

        @Argument(help: "The CSV or NDJSON file.")
        var file: String

        func run() async throws {
            let configuration = try options.configuration()
            guard let data = FileManager.default.contents(atPath: file) else {
                printError("\(file): cannot read the file")
                throw ExitCode(1)
            }
            let events: [Event]
            switch ResidenceFile.events(from: String(decoding: data, as: UTF8.self), policy: configuration.policy, source: source) {
            case .success(let read): events = read
            case .failure(let failure):
                let errors = failure.lines
                for error in errors.prefix(50) { printError("\(file): \(error.description)") }
                if errors.count > 50 { printError("\(file): \(errors.count - 50) more lines with errors") }
                printError("\(file): nothing was stored")
                throw ExitCode(1)
            }
            let register = try await KoppelingApp.openRegister(configuration)
            let summary = try await register.appendStreaming(
                from: ArrayBatchSource(events: events), by: operatorProvenance().importing(data))
            print("\(file): \(events.count) residences, \(summary.stored) stored, \(summary.alreadyPresent) already present")
        }
    }
}

/// Yields an array of events in batches, for a streaming import of what is already in memory.
struct ArrayBatchSource: EventBatchSource {
    var events: [Event]
    var position = 0

    init(events: [Event]) {
        self.events = events
    }

    mutating func nextBatch() throws -> [Event]? {
        guard position < events.count else { return nil }
        let end = min(position + 1000, events.count)
        defer { position = end }
        return Array(events[position..<end])
    }
}
