import ArgumentParser
import Foundation
import KoppelingCore
import KoppelingDemoData

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic synthetic population as NDJSON events.",
        discussion: "The same --persons and --seed always give the same file. National numbers are valid and synthetic.")

    @Option(help: "How many persons.")
    var persons: Int

    @Option(help: "The seed.")
    var seed: UInt64 = 1

    @Option(help: "The output file (default: standard output).")
    var out: String?

    func validate() throws {
        guard persons >= 0, persons <= 10_000_000 else { throw ValidationError("--persons must be from 0 to 10000000.") }
    }

    func run() throws {
        let generator = PopulationGenerator(seed: seed, persons: persons)
        let handle: FileHandle
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil), let file = FileHandle(forWritingAtPath: out) else {
                printError("cannot write \(out)")
                throw ExitCode(1)
            }
            handle = file
        } else {
            handle = FileHandle.standardOutput
        }
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        for index in 0..<persons {
            for event in generator.events(ofPerson: index) {
                buffer += event.jsonLine
                buffer += "\n"
            }
            if buffer.utf8.count > 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer.utf8))
        if out != nil { try handle.close() }
    }
}
