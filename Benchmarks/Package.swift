// swift-tools-version: 6.1
// A package of its own, so that the main package's builds and tests never pull package-benchmark.
// Run from this folder: `swift package --disable-sandbox benchmark` (standard suite) or
// `./compare.sh` (side-by-side with raw LMDB in C). See README.md.
import PackageDescription

let package = Package(
    name: "LumbungBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Lumbung", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // Shared workload: the events both executables append and scan.
        .target(
            name: "BenchSupport",
            dependencies: [
                .product(name: "EventLog", package: "Lumbung"),
                .product(name: "LMDB", package: "Lumbung"),
            ],
            path: "Sources/BenchSupport"
        ),
        // JSON-lines measurements for compare.sh (exact same-run ratios against raw LMDB).
        .executableTarget(
            name: "lumbung-bench",
            dependencies: [
                "BenchSupport",
                .product(name: "EventLog", package: "Lumbung"),
            ],
            path: "Sources/lumbung-bench"
        ),
        // The Merkle tree's cost on batched appends and its proof times (audit.sh runs it).
        .executableTarget(
            name: "merkle-bench",
            dependencies: [
                "BenchSupport",
                .product(name: "EventLog", package: "Lumbung"),
            ],
            path: "Sources/merkle-bench"
        ),
        // The cost of sealing personal data in the vault on appends and rebuilds (issue 14).
        .executableTarget(
            name: "privacy-bench",
            dependencies: [
                .product(name: "EventLog", package: "Lumbung"),
                .product(name: "PersonalData", package: "Lumbung"),
                .product(name: "DocumentTracking", package: "Lumbung"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/privacy-bench"
        ),
        // The package-benchmark suite (discovered under Benchmarks/<Name>/).
        .executableTarget(
            name: "LumbungBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "EventLog", package: "Lumbung"),
            ],
            path: "Benchmarks/LumbungBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
