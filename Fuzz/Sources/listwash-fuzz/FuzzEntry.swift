#if canImport(Glibc)
import Glibc
#endif
import CFuzzDriver
import ListWash

/// The reader this process fuzzes, from `LISTWASH_FUZZ_TARGET` (one of ``FuzzTarget``'s raw values).
nonisolated(unsafe) private var target: FuzzTarget?

/// libFuzzer's set-up hook: reads the target's name once, before the first input.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let name = getenv("LISTWASH_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let chosen = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
        printError("listwash-fuzz: set LISTWASH_FUZZ_TARGET to one of: \(names)")
        exit(64)
    }
    target = chosen
    return 0
}

/// libFuzzer's entry point: runs the reader over one input. A trap is a crash that libFuzzer
/// saves; an outcome with violations (``FuzzOutcome/violations(input:)``) is made one too.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target else { return 0 }
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let violations = target.run(input).violations(input: input)
    if !violations.isEmpty {
        printError("listwash-fuzz: \(target.rawValue): \(violations.joined(separator: "; "))")
        abort()
    }
    return 0
}

/// Writes a line to standard error.
private func printError(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
