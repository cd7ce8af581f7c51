import CLibFuzzer
import Foundation
import KoppelingFuzzTargets

// libFuzzer's entry points, built with `-sanitize=fuzzer -D KOPPELING_FUZZ` by scripts/fuzz. The
// target is chosen once, by KOPPELING_FUZZ_TARGET.

/// The target of this process. Set once in LLVMFuzzerInitialize, before any input, and read
/// only after: libFuzzer calls both on one thread.
nonisolated(unsafe) var selectedTarget: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    guard let name = ProcessInfo.processInfo.environment["KOPPELING_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(
            Data("set KOPPELING_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    selectedTarget = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let target = selectedTarget else { return 0 }
    if target == .clientAssertion {
        // The JWT library is asynchronous: the fuzzer's thread waits for it.
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await target.run(bytes)
            done.signal()
        }
        done.wait()
    } else {
        target.runSynchronously(bytes)
    }
    return 0
}

#if KOPPELING_FUZZ
    /// With the fuzzer: SwiftPM links every executable's own entry point, so libFuzzer is started
    /// from here with its driver, which calls LLVMFuzzerInitialize and then the target for each input.
    @main
    struct Fuzz {
        static func main() {
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(
                LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                    guard let data else { return 0 }
                    return fuzzerTestOneInput(data, size)
                })
        }
    }
#else
    /// Without the fuzzer: replays files through a target (`koppeling-fuzz TARGET FILE…`), as a
    /// regression check of a crash found.
    @main
    struct Replay {
        static func main() async {
            let arguments = CommandLine.arguments.dropFirst()
            if arguments.first == "--make-seeds", let folder = arguments.dropFirst().first {
                // The seeds that need the fixed keys' signatures.
                for seed in try! await FuzzTarget.signedSeeds(now: Date()) {
                    let path = "\(folder)/\(seed.target.rawValue)/\(seed.name)"
                    FileManager.default.createFile(atPath: path, contents: Data(seed.bytes))
                    print("wrote \(path)")
                }
                return
            }
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
                print("usage: koppeling-fuzz TARGET FILE…; targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
                exit(2)
            }
            for file in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: file) else {
                    print("\(file): cannot read")
                    exit(1)
                }
                await target.run(Array(data))
                print("\(file): ok")
            }
        }
    }
#endif
