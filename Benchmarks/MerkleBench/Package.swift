// swift-tools-version:6.0
// The Merkle tree's cost and proof times, measured in a release build of EventLog alone (its own
// package, so that the main package's builds never compile it). Run from this folder:
//   swift build -c release && .build/release/merkle-bench overhead --events 200000 --batch 1000 --rounds 3
//   .build/release/merkle-bench proofs --events 1000000 --batch 1000 --keep /tmp/merkle-1m
import PackageDescription

let package = Package(
    name: "MerkleBench",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Lumbung", path: "../..")],
    targets: [
        .executableTarget(
            name: "merkle-bench",
            dependencies: [.product(name: "EventLog", package: "Lumbung")],
            path: "Sources")
    ]
)
