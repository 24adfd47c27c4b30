// swift-tools-version: 6.0
import PackageDescription

/// libFuzzer targets for listwash's readers, kept out of the main package so that `swift build`
/// and `make test` never build them: `make fuzz` builds this package with
/// `-sanitize=fuzzer,address` into `.build-fuzz` and runs one reader at a time (see the Makefile).
let package = Package(
    name: "listwash-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "listwash", path: ".."),
    ],
    targets: [
        // The entry point that starts libFuzzer's driver (C: it declares libFuzzer's functions).
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "listwash-fuzz",
            dependencies: ["CFuzzDriver", .product(name: "ListWash", package: "listwash")],
            swiftSettings: [.unsafeFlags(["-warnings-as-errors", "-parse-as-library"])]
        ),
    ]
)
