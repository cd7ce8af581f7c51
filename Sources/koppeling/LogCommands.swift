import ArgumentParser
import Foundation
import KoppelingApp
import KoppelingCore
import KoppelingStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The transparency log of the disclosures.",
        subcommands: [Verify.self, IssueCheckpoint.self, Synthesize.self, Benchmark.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the transparency log.",
            discussion: """
                With the register (--database): recompute the whole tree from the stored entries, compare every stored node hash, \
                and check every stored checkpoint's root and signature; report the first index where anything differs.
                With --remote URL --checkpoint FILE: check that the server's current checkpoint is signed by the key the server \
                publishes (or --key), and consistent with the checkpoint held in FILE.
                Exit status 0 when everything verifies, 1 otherwise.
                """)

        @OptionGroup var options: RegisterOptions

        @Option(help: "A server's base URL, such as https://koppeling.example.")
        var remote: String?

        @Option(help: "A signed checkpoint held earlier (with --remote).")
        var checkpoint: String?

        @Option(
            help: "The log's verifier key (NAME+ID+KEY) or a file holding it (with --remote; default: the server's /v1/transparency/key).")
        var key: String?

        func run() async throws {
            if let remote {
                guard let checkpoint else { throw ValidationError("--remote needs --checkpoint FILE") }
                try await verifyRemote(remote, heldFile: checkpoint)
                return
            }
            let services = try await KoppelingApp.open(options.configuration())
            let stopwatch = Stopwatch()
            let result = try await services.transparency.verify { count in
                if standardErrorIsTerminal { printError("\(count) entries verified...") }
            }
            let seconds = stopwatch.seconds
            let rate = seconds > 0 ? Int(Double(result.entries) / seconds) : 0
            if let problem = result.problem {
                print("FAIL at index \(problem.index): \(problem.message)")
                printError(
                    """
                    \(result.entries) entries and \(result.checkpoints) checkpoints verified before it, in \
                    \(String(format: "%.2f", seconds)) s
                    """
                )
                throw ExitCode(1)
            }
            print("OK \(result.entries) entries, \(result.checkpoints) checkpoints, origin \(services.transparency.origin)")
            printError("verified in \(String(format: "%.2f", seconds)) s (\(rate) entries/s)")
        }

        func fetch(_ url: URL) async throws -> (Int, Data) {
            let (data, response) = try await URLSession.shared.data(from: url)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        }

        func verifyRemote(_ remote: String, heldFile: String) async throws {
            guard let base = URL(string: remote) else { throw ValidationError("--remote must be a URL") }
            let keyText: String
            if let key {
                keyText = (try? String(contentsOfFile: key, encoding: .utf8)) ?? key
            } else {
                keyText = String(decoding: try await fetch(base.appendingPathComponent("v1/transparency/key")).1, as: UTF8.self)
            }
            // One verifier key per line: the current key, then retired ones.
            let verifiers = keyText.split(whereSeparator: \.isNewline).map { NoteVerifier(verifierKey: String($0)) }
            guard !verifiers.isEmpty, verifiers.allSatisfy({ $0 != nil }) else { throw ValidationError("not verifier keys: \(keyText)") }
            func open(_ note: String) -> String? { verifiers.lazy.compactMap { $0?.open(note) }.first }
            let name = verifiers[0]!.name
            func fail(_ message: String) throws -> Never {
                print("FAIL: \(message)")
                throw ExitCode(1)
            }
            guard let heldText = open(try String(contentsOfFile: heldFile, encoding: .utf8)), let held = Checkpoint(text: heldText) else {
                try fail("the held checkpoint \(heldFile) does not verify with the keys of \(name)")
            }
            let (status, body) = try await fetch(base.appendingPathComponent("v1/transparency/checkpoint"))
            guard status == 200, let currentText = open(String(decoding: body, as: UTF8.self)), let current = Checkpoint(text: currentText)
            else {
                try fail("the server's current checkpoint does not verify with the keys of \(name)")
            }
            guard current.origin == held.origin else { try fail("the origins differ: \(held.origin) and \(current.origin)") }
            guard current.size >= held.size else { try fail("the log shrank from \(held.size) to \(current.size) entries") }
            var components = URLComponents(
                url: base.appendingPathComponent("v1/transparency/proofs/consistency"), resolvingAgainstBaseURL: false)!
            components.queryItems = [.init(name: "from", value: "\(held.size)"), .init(name: "to", value: "\(current.size)")]
            let (proofStatus, proofBody) = try await fetch(components.url!)
            guard proofStatus == 200, case .object(let members)? = try? JSONValue.parse(String(decoding: proofBody, as: UTF8.self)),
                case .array(let items)? = members["proof"]
            else { try fail("the server gave no consistency proof from \(held.size) to \(current.size)") }
            let proof = items.compactMap { item -> [UInt8]? in
                if case .string(let text) = item, let data = Data(base64Encoded: text) { return Array(data) }
                return nil
            }
            guard proof.count == items.count,
                Merkle.verifyConsistency(from: held.size, to: current.size, proof: proof, firstRoot: held.root, secondRoot: current.root)
            else { try fail("the current checkpoint (size \(current.size)) is NOT consistent with the held one (size \(held.size))") }
            print(
                "OK the checkpoint of size \(current.size) is consistent with the held one of size \(held.size) (origin \(current.origin))")
        }
    }

    struct IssueCheckpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint", abstract: "Issue a checkpoint over every entry now (if any arrived since the latest) and print it.")

        @OptionGroup var options: RegisterOptions

        func run() async throws {
            let services = try await KoppelingApp.open(options.configuration())
            guard let checkpoint = try await services.transparency.issueCheckpoint() else {
                printError("the log is empty: no checkpoint")
                throw ExitCode(1)
            }
            print(checkpoint.note, terminator: "")
        }
    }
}

extension Log {
    /// For benchmarks only: fills a register's log with synthetic disclosure records.
    struct Synthesize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Benchmarks only: append synthetic disclosure records (party 'synthetic') to a register's log.", shouldDisplay: false)

        @OptionGroup var options: RegisterOptions

        @Option(help: "How many entries to append.")
        var entries = 1_000_000

        func run() async throws {
            let services = try await KoppelingApp.open(options.configuration())
            let stopwatch = Stopwatch()
            var written = 0
            let start = Instant(microsecondsSinceEpoch: 1_790_000_000_000_000)
            while written < entries {
                let count = min(10_000, entries - written)
                let records = (written..<(written + count)).map { n in
                    DisclosureRecord(
                        disclosureId: UUID(), at: Instant(microsecondsSinceEpoch: start.microsecondsSinceEpoch + Int64(n) * 1000),
                        clientId: "synthetic-client",
                        party: "synthetic", purpose: "ART_1_2_INTEGRATION_EFFORTS", channel: .lookup, caseReference: "SYN-\(n)",
                        protocolId: "kbi-dvz-integration-efforts", protocolVersion: 1, fields: DisclosureField.allCases, outcome: .allowed,
                        referenceDate: LocalDate("2026-11-01")!, subjectPseudonym: String(format: "%064x", n), requestId: "syn-\(n)",
                        traceparent: nil)
                }
                try await services.exchange.store.appendDisclosures(records)
                written += count
                if written % 1_000_000 == 0 { try await services.transparency.issueCheckpoint() }
            }
            try await services.transparency.issueCheckpoint()
            printError(
                """
                appended \(written) entries in \(String(format: "%.1f", stopwatch.seconds)) s \
                (\(Int(Double(written) / stopwatch.seconds)) entries/s, batches of 10,000)
                """
            )
        }
    }

    /// For benchmarks only: times proof generation on a register's log.
    struct Benchmark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Benchmarks only: time inclusion and consistency proofs.", shouldDisplay: false)

        @OptionGroup var options: RegisterOptions

        @Option(help: "How many proofs of each kind.")
        var count = 1000

        func run() async throws {
            let services = try await KoppelingApp.open(options.configuration())
            let store = services.transparency.store
            let size = try await store.logSize()
            guard size > 1 else { throw ValidationError("the log has fewer than 2 entries") }
            func percentiles(_ micros: [Double]) -> String {
                let sorted = micros.sorted()
                return String(
                    format: "p50 %.0f µs, p99 %.0f µs", sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
            }
            func micros(_ duration: Duration) -> Double {
                Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
            }
            let clock = ContinuousClock()
            var inclusion: [Double] = []
            var consistency: [Double] = []
            for _ in 0..<count {
                let index = Int.random(in: 0..<size)
                var started = clock.now
                let proof = try await store.inclusionProof(index: index, size: size)
                inclusion.append(micros(clock.now - started))
                precondition(!proof.isEmpty)
                let from = Int.random(in: 1..<size)
                started = clock.now
                _ = try await store.consistencyProof(from: from, to: size)
                consistency.append(micros(clock.now - started))
            }
            print("log of \(size) entries, \(count) proofs of each kind (each in its own read transaction)")
            print("inclusion proofs:   \(percentiles(inclusion))")
            print("consistency proofs: \(percentiles(consistency))")
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The DPO's view of the disclosure records.", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                """
                Export disclosure records as CSV (RFC 4180): index, instant, client, party, purpose, channel, case reference, \
                protocol, fields, outcome, reference date, pseudonym, request id.
                """
        )

        @OptionGroup var options: RegisterOptions

        @Option(help: "From this date (YYYY-MM-DD), inclusive.")
        var from: String?

        @Option(help: "Up to this date (YYYY-MM-DD), inclusive.")
        var to: String?

        @Option(help: "Write to this file instead of standard output.")
        var out: String?

        func run() async throws {
            func instant(_ text: String?, _ name: String, plusDay: Bool) throws -> Instant? {
                guard let text else { return nil }
                guard let date = LocalDate(text) else { throw ValidationError("--\(name) must be YYYY-MM-DD") }
                return Instant(microsecondsSinceEpoch: Int64(date.daysSinceEpoch + (plusDay ? 1 : 0)) * 86_400_000_000)
            }
            let filter = DisclosureFilter(from: try instant(from, "from", plusDay: false), to: try instant(to, "to", plusDay: true))
            let services = try await KoppelingApp.open(options.configuration())
            var output = DisclosureRecord.csvHeader
            var after: Int?
            var count = 0
            while true {
                let page = try await services.transparency.store.searchDisclosures(filter, after: after, limit: 1000)
                for (index, record) in page { output += record.csvLine(index: index) }
                count += page.count
                guard page.count == 1000, let last = page.last else { break }
                after = last.index
            }
            if let out {
                try output.write(toFile: out, atomically: true, encoding: .utf8)
                printError("\(count) disclosure records written to \(out)")
            } else {
                print(output, terminator: "")
            }
        }
    }
}
