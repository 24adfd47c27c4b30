// swift-tools-version: 6.0
import PackageDescription

/// One set of compiler settings for every target: Swift 6 language mode, warnings as errors.
let swiftSettings: [SwiftSetting] = [
    .unsafeFlags(["-warnings-as-errors"]),
    // Release builds drop the run-time exclusivity checks (8–10% of clean's and ingest's CPU,
    // measured with perf: swift_beginAccess on every class property in the hot loops).
    // Debug builds, which `make test` runs, keep them, and the compile-time checks stay on.
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

// Linux only: the library calls Glibc and Linux system calls (sync_file_range, /proc), and
// the system libraries come from apt; no other platform is declared.
let package = Package(
    name: "listwash",
    products: [
        .executable(name: "listwash", targets: ["listwash"]),
        .library(name: "ListWash", targets: ["ListWash"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // The SQLite C API (libsqlite3), fenced into its own module.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // SHA-256 from OpenSSL's libcrypto (EVP interface), fenced the same way.
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        // libxml2's streaming reader (xmlTextReader) for XML subscriber lists, fenced the same way.
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        // libidn2: international domain names to their A-label form (IDNA2008, UTS #46), fenced the same way.
        .systemLibrary(name: "CIDN2", path: "Sources/CIDN2", pkgConfig: "libidn2",
                       providers: [.apt(["libidn2-dev"])]),
        // zlib's inflate, for gzip-compressed input files, fenced the same way.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // zstd, for the history's compressed event blocks, fenced the same way.
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        // A Linux system call the Glibc module leaves out (sync_file_range), header only.
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        .target(
            name: "ListWash",
            dependencies: [
                "CSQLite", "CLibCrypto", "CLibXML2", "CIDN2", "CSystem", "CZlib", "CZstd", "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // libpq, the PostgreSQL project's C client, for a history on a PostgreSQL server: loaded
        // with dlopen when such a history is opened, so the binary does not need it otherwise
        // (Sources/CLibPQ/include/libpq_loader.h).
        .target(name: "CLibPQ", path: "Sources/CLibPQ", linkerSettings: [.linkedLibrary("dl")]),
        // The commit the binary was built from, for --version (see Sources/CBuildInfo/build_info.c).
        .target(name: "CBuildInfo", path: "Sources/CBuildInfo"),
        .executableTarget(
            name: "listwash",
            dependencies: [
                "ListWash", "CBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ListWashTests",
            dependencies: ["ListWash"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "listwashCLITests",
            dependencies: ["listwash"],
            exclude: ["Snapshots"],
            swiftSettings: swiftSettings
        ),
    ]
)
