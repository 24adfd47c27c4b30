import ListWash

#if canImport(Glibc)
import Glibc
#endif

/// Fault injection for the end-to-end tests, off unless its environment variable is set.
enum TestHooks {
    /// `LISTWASH_TEST_KILL_AFTER=STEP` (a ``OutputDirectory/CommitStep`` name): `clean` kills
    /// itself with SIGKILL right after that step of switching to the new output set, so the
    /// tests can show that a kill at any step leaves one complete set in place.
    static var killAfterCommitStep: ((OutputDirectory.CommitStep) -> Void)? {
        guard let name = getenv("LISTWASH_TEST_KILL_AFTER").map({ String(cString: $0) }),
              let step = OutputDirectory.CommitStep(rawValue: name) else { return nil }
        return { reached in
            if reached == step { kill(getpid(), SIGKILL) }
        }
    }

    /// `LISTWASH_TEST_KILL_AFTER_BATCHES=N`: `ingest` kills itself with SIGKILL once it has
    /// staged N batches of a file, so the tests can show that a worker killed mid-file leaves
    /// the history as before that file.
    static var killAfterBatches: ((Int) -> Void)? {
        guard let text = getenv("LISTWASH_TEST_KILL_AFTER_BATCHES").map({ String(cString: $0) }), let n = Int(text) else { return nil }
        return { staged in
            if staged >= n { kill(getpid(), SIGKILL) }
        }
    }
}
