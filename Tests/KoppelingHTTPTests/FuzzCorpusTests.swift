import Foundation
import KoppelingFuzzTargets
import KoppelingTestSupport
import Testing

/// Every committed seed and every crash the fuzzer found (Fuzz/crashes) goes through its target on
/// every test run: a fixed crash stays fixed. The fuzzing itself is `scripts/fuzz`.
@Suite("Fuzz corpora and crashes")
struct FuzzCorpusTests {
    static let root = TestEnvironment.packageRoot.appendingPathComponent("Fuzz")

    static func files(_ folder: URL, prefix: String? = nil) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { prefix == nil || $0.hasPrefix(prefix!) }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test("every target has a seed corpus, and every seed and every recorded crash runs through it", arguments: FuzzTarget.allCases)
    func replay(target: FuzzTarget) async throws {
        let seeds = Self.files(Self.root.appendingPathComponent("corpus/\(target.rawValue)"))
        #expect(seeds.count >= 2, "a seed corpus for \(target.rawValue)")
        for file in seeds + Self.files(Self.root.appendingPathComponent("crashes"), prefix: target.rawValue + "-") {
            await target.run(Array(try Data(contentsOf: file)))
        }
    }

    @Test("the signed seeds verify with the targets' fixed keys, so the fuzzer starts past the signature checks")
    func signedSeeds() async throws {
        for seed in try await FuzzTarget.signedSeeds(now: Date()) {
            await seed.target.run(seed.bytes)
            let committed = Self.root.appendingPathComponent("corpus/\(seed.target.rawValue)/\(seed.name)")
            #expect(FileManager.default.fileExists(atPath: committed.path), "\(committed.lastPathComponent) is committed")
        }
    }
}
