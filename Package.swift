// swift-tools-version: 6.1
import PackageDescription

// `KOPPELING_FUZZ=1 swift build --product koppeling-fuzz` (scripts/fuzz): this package's own
// modules get libFuzzer's coverage instrumentation and the fuzzer's entry points; dependencies are
// built as usual, so a debug fuzz build reuses the dependencies of the normal debug build.
let fuzzing = Context.environment["KOPPELING_FUZZ"] == "1"

let swiftSettings: [SwiftSetting] =
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ] + (fuzzing ? [.unsafeFlags(["-sanitize=fuzzer"]), .define("KOPPELING_FUZZ")] : [])

let package = Package(
    name: "koppeling",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "koppeling", targets: ["koppeling"]),
        .executable(name: "koppeling-fuzz", targets: ["koppeling-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // The console's password hashes (bcrypt) and second factor (TOTP).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // The console's pages: Mustache templates, from the Hummingbird project.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // The console's KBI upload: multipart/form-data, from Vapor's well-kept parser.
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
    ],
    targets: [
        .target(
            name: "KoppelingCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // The MAGDA GeefDossierKBI adapter: XML in, events out (the only user of FoundationXML).
        .target(
            name: "KoppelingKBI",
            dependencies: ["KoppelingCore"],
            swiftSettings: swiftSettings
        ),
        // The synthetic population for the demo, the benchmarks and the tests.
        .target(
            name: "KoppelingDemoData",
            dependencies: ["KoppelingCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KoppelingStore",
            dependencies: [
                "KoppelingKBI",
                "KoppelingCore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KoppelingStoreSQLite",
            dependencies: [
                "KoppelingCore", "KoppelingStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KoppelingStorePostgres",
            dependencies: [
                "KoppelingCore", "KoppelingStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KoppelingHTTP",
            dependencies: [
                "KoppelingKBI",
                .product(name: "Prometheus", package: "swift-prometheus"),
                "KoppelingCore", "KoppelingStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The console for civil servants: sign-in (password and TOTP), sessions, and its pages.
        .target(
            name: "KoppelingConsole",
            dependencies: [
                "KoppelingCore", "KoppelingStore",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                "KoppelingKBI",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KoppelingApp",
            dependencies: [
                "KoppelingStorePostgres", "KoppelingConsole",
                "KoppelingCore", "KoppelingStore", "KoppelingStoreSQLite", "KoppelingHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "koppeling",
            dependencies: [
                "KoppelingKBI", "KoppelingDemoData",
                "KoppelingApp", "KoppelingCore", "KoppelingStore", "KoppelingHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KoppelingTestSupport",
            dependencies: [
                "KoppelingKBI", "KoppelingDemoData", "KoppelingCore", "KoppelingStore", "KoppelingStoreSQLite", "KoppelingStorePostgres",
            ],
            path: "Tests/KoppelingTestSupport",
            swiftSettings: swiftSettings
        ),
        // The fuzz targets (scripts/fuzz builds the executable with libFuzzer; the tests replay
        // the corpora through the library).
        .target(
            name: "KoppelingFuzzTargets",
            dependencies: [
                "KoppelingKBI",
                "KoppelingCore", "KoppelingHTTP", .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Fuzz/KoppelingFuzzTargets",
            swiftSettings: swiftSettings
        ),
        .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .executableTarget(
            name: "koppeling-fuzz",
            dependencies: ["KoppelingFuzzTargets", "CLibFuzzer"],
            path: "Fuzz/koppeling-fuzz",
            swiftSettings: swiftSettings,
            linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer"])] : []
        ),
        .testTarget(
            name: "KoppelingCoreTests",
            dependencies: ["KoppelingKBI", "KoppelingDemoData", "KoppelingCore", "KoppelingTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KoppelingStoreTests",
            dependencies: [
                "KoppelingKBI", "KoppelingDemoData",
                "KoppelingCore", "KoppelingStore", "KoppelingStoreSQLite", "KoppelingTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KoppelingHTTPTests",
            dependencies: [
                "KoppelingDemoData",
                "KoppelingCore", "KoppelingStore", "KoppelingStoreSQLite", "KoppelingStorePostgres", "KoppelingHTTP", "KoppelingApp",
                "KoppelingTestSupport", "KoppelingConsole",
                "KoppelingFuzzTargets",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KoppelingCLITests",
            dependencies: [
                "KoppelingDemoData", "KoppelingCore", "KoppelingStore", "KoppelingStoreSQLite", "KoppelingTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
