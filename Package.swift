// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Lumbung",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lumbung", targets: ["lumbung"]),
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "EventLog", targets: ["EventLog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"]),
        .target(
            name: "EventLog",
            dependencies: [
                "LMDB",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "lumbung",
            dependencies: [
                "EventLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB"]),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog"], resources: []),
        .testTarget(name: "EndToEndTests", dependencies: ["EventLog"]),
    ]
)
