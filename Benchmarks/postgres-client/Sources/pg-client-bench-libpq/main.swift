import Glibc
import LibPQBench
import PGRows

// libpq alone: the same code as pg-client-bench's libpq side, built without postgres-nio (its
// build time and binary size are libpq's side of the build-cost comparison).
let options = Options.parse(Array(CommandLine.arguments.dropFirst()),
                            usage: "usage: pg-client-bench-libpq postgres://USER@HOST[:PORT]/DB [--rows N] [--rounds R]")
do {
    try await run([LibPQ(url: options.url), LibPQPipelined(url: options.url)], options: options)
} catch {
    print("error: \(error)")
    exit(1)
}
