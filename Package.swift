// swift-tools-version:6.0
import PackageDescription

/// The upcoming language features every target of ours builds with (as Hummingbird's do): `any`
/// spelled out for existentials, imports visible only where a file declares them, and imports
/// internal unless a file says `public import`.
let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Lumbung",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lumbung", targets: ["lumbung"]),
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Projections", targets: ["Projections"]),
        // For Benchmarks/ (privacy-bench): the vault and the domain that seals into it.
        .library(name: "PersonalData", targets: ["PersonalData"]),
        .library(name: "DocumentTracking", targets: ["DocumentTracking", "DomainKit", "JSON", "Projections"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // multipart/form-data: a posko's roster uploaded on the staff screens.
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"], swiftSettings: upcoming),
        .target(name: "JSON", swiftSettings: upcoming),
        .target(name: "LumbungVersion", swiftSettings: upcoming),
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .systemLibrary(
            name: "CNATS",
            pkgConfig: "libnats",
            providers: [.apt(["libnats-dev"])]
        ),
        .target(
            name: "Replication",
            dependencies: [
                "CNATS", "EventLog", "JSON", "LumbungVersion", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ], swiftSettings: upcoming),
        .target(
            name: "EventLog",
            dependencies: [
                "LMDB", "JSON",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: upcoming
        ),
        .target(name: "Projections", dependencies: ["EventLog", "LMDB", "JSON"], swiftSettings: upcoming),
        .target(
            name: "PersonalData", dependencies: ["LMDB", "JSON", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcoming),
        .target(
            name: "DomainKit", dependencies: ["Projections", "EventLog", "JSON", .product(name: "CSV", package: "CSV.swift")],
            swiftSettings: upcoming),
        .target(name: "MataramReference", swiftSettings: upcoming),
        .target(
            name: "AidLogistics",
            dependencies: [
                "Regions",
                "DomainKit", "Projections", "EventLog", "JSON", "MataramReference", "PersonalData",
                .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: upcoming, plugins: ["EmbedFiles"]),
        .target(
            name: "DocumentTracking",
            dependencies: [
                "DomainKit", "Projections", "EventLog", "JSON", "PersonalData", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming, plugins: ["EmbedFiles"]),
        // The cek resi notifications' delivery: SMTP, the gateway's webhook, and the worker of `serve`.
        .target(
            name: "NotificationChannels",
            dependencies: [
                "DocumentTracking", "LumbungCore", "EventLog", "JSON", "PersonalData", "Projections",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming),
        .target(
            name: "MarketPrices",
            dependencies: [
                "Regions",
                "DomainKit", "Projections", "EventLog", "JSON", "MataramReference", .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: upcoming, plugins: ["EmbedFiles"]),
        .target(
            name: "LumbungCore",
            dependencies: [
                "Regions",
                "DomainKit", "Projections", "EventLog", "JSON", "LMDB", "MataramReference", "AidLogistics", "DocumentTracking",
                "MarketPrices", "PersonalData",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming),
        .target(
            name: "QueryService",
            dependencies: [
                "LumbungCore", "LumbungVersion", "DomainKit", "EventLog", "JSON", "Projections", "MataramReference", "AidLogistics",
                "DocumentTracking", "MarketPrices", "PersonalData", "CQRencode", "Regions",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            swiftSettings: upcoming,
            plugins: ["EmbedFiles"]
        ),
        // Indonesia's administrative areas (Kepmendagri codes) and populations, embedded.
        .target(
            name: "Regions", dependencies: [.product(name: "CSV", package: "CSV.swift")], swiftSettings: upcoming,
            plugins: ["EmbedFiles"]),
        .testTarget(name: "RegionsTests", dependencies: ["Regions"], swiftSettings: upcoming),
        // The build tool that embeds a target's `.yaml` and `.csv` files in its code (`openapi.yaml` of
        // QueryService), and its tool.
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["EmbedFilesTool"]),
        .executableTarget(name: "EmbedFilesTool", swiftSettings: upcoming),
        .executableTarget(
            name: "lumbung",
            dependencies: [
                "LumbungCore", "LumbungVersion", "EventLog", "JSON", "Projections", "QueryService", "MarketPrices", "Replication",
                "Regions",
                "NotificationChannels",
                "DomainKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB"]),
        .testTarget(
            name: "PersonalDataTests",
            dependencies: ["PersonalData", "JSON", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "EventLog"]),
        .testTarget(name: "DomainKitTests", dependencies: ["DomainKit", "EventLog", "JSON"]),
        .testTarget(name: "LumbungCoreTests", dependencies: ["LumbungCore"]),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "JSON", "LMDB"]),
        .testTarget(name: "ProjectionsTests", dependencies: ["Projections", "DomainKit", "EventLog"]),
        .testTarget(
            name: "AidLogisticsTests",
            dependencies: [
                "AidLogistics", "DomainKit", "Projections", "EventLog", "JSON", "MataramReference", "Regions", "PersonalData",
                "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(
            name: "DocumentTrackingTests",
            dependencies: [
                "DocumentTracking", "DomainKit", "Projections", "EventLog", "JSON", "MataramReference", "PersonalData", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(
            name: "NotificationChannelsTests", dependencies: ["NotificationChannels", "DocumentTracking", "DomainKit", "TestSupport"]),
        .testTarget(
            name: "MarketPricesTests",
            dependencies: ["MarketPrices", "DomainKit", "Projections", "EventLog", "JSON", "MataramReference", "Regions"]),
        .testTarget(
            name: "QueryServiceTests",
            dependencies: [
                "QueryService", "LumbungCore", "DomainKit", "LumbungVersion", "Projections", "EventLog", "JSON", "AidLogistics",
                "DocumentTracking",
                "MarketPrices", "PersonalData", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]),
        // Child programs for the suites that run `lumbung` (posix_spawn; see ChildProcess.swift).
        .target(name: "TestSupport", dependencies: ["JSON"], path: "Tests/TestSupport", swiftSettings: upcoming),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["EventLog", "JSON", "LumbungVersion", "LumbungCore", "PersonalData", "lumbung", "TestSupport"]),
        .testTarget(
            name: "ReplicationTests",
            dependencies: [
                "Replication", "EventLog", "JSON", "Projections", "DocumentTracking", "LumbungCore", "PersonalData", "lumbung",
                "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"), .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]),
    ]
)
