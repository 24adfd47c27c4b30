// swift-tools-version: 6.1
import PackageDescription

// The throughput comparison behind listwash's PostgreSQL client library (issue 19): libpq, the
// PostgreSQL project's C client, against Vapor's postgres-nio, on the two bulk paths listwash
// uses (COPY … FROM STDIN of events, the events read back in key order). A package of its own
// so that the main package never fetches or builds postgres-nio; `make bench-pg-client` in the
// main Makefile builds and runs it against a throwaway server.
let package = Package(
    name: "postgres-client-bench",
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // libpq linked directly (headers from libpq-dev), fenced into its own module.
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        // The rows (shaped like listwash's events), their decoding, and the timing: shared by both.
        .target(name: "PGRows"),
        // The libpq side of the comparison.
        .target(name: "LibPQBench", dependencies: ["CLibPQ", "PGRows"]),
        // The comparison: both libraries, alternated.
        .executableTarget(
            name: "pg-client-bench",
            dependencies: ["LibPQBench", "PGRows", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // The same libpq code alone: its build time and binary size are libpq's side of the
        // build-cost comparison.
        .executableTarget(name: "pg-client-bench-libpq", dependencies: ["LibPQBench", "PGRows"]),
    ]
)
