// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Lumbung",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lumbung", targets: ["lumbung"]),
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Projections", targets: ["Projections"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"]),
        .systemLibrary(
            name: "CNATS",
            pkgConfig: "libnats",
            providers: [.apt(["libnats-dev"])]
        ),
        .target(name: "Replication", dependencies: ["CNATS", "EventLog"]),
        .target(
            name: "EventLog",
            dependencies: [
                "LMDB",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "Projections", dependencies: ["EventLog", "LMDB"]),
        .target(name: "MataramReference"),
        .target(name: "AidLogistics", dependencies: ["Projections", "EventLog", "MataramReference"]),
        .target(name: "DocumentTracking", dependencies: ["Projections", "EventLog", "MataramReference", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "MarketPrices",
            dependencies: ["Projections", "EventLog", "MataramReference", .product(name: "CSV", package: "CSV.swift")]),
        .target(
            name: "QueryService",
            dependencies: [
                "EventLog", "Projections", "MataramReference", "AidLogistics", "DocumentTracking", "MarketPrices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "lumbung",
            dependencies: [
                "EventLog", "Projections", "QueryService", "AidLogistics", "DocumentTracking", "MarketPrices", "Replication",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB"]),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog"], resources: []),
        .testTarget(name: "ProjectionsTests", dependencies: ["Projections", "MataramReference"]),
        .testTarget(name: "AidLogisticsTests", dependencies: ["AidLogistics"]),
        .testTarget(name: "DocumentTrackingTests", dependencies: ["DocumentTracking"]),
        .testTarget(name: "MarketPricesTests", dependencies: ["MarketPrices"]),
        .testTarget(
            name: "QueryServiceTests",
            dependencies: ["QueryService", .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "EndToEndTests", dependencies: ["EventLog", "lumbung"]),
        .testTarget(
            name: "ReplicationTests", dependencies: ["Replication", "EventLog", "Projections", "DocumentTracking", "lumbung"]),
    ]
)
