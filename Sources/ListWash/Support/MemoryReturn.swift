import CSystem

/// How the process's allocator hands memory back, set once at start by the command-line tool.
///
/// `clean` and `ingest` allocate and free large buffers on several threads (sort buffers,
/// evidence buckets, batches, audit chunks). With glibc's default, the threshold above which a
/// block is mmapped rises each time such a block is freed, so after the first few the large
/// buffers come from the threads' arenas, which keep what is freed: at size L a `clean` whose
/// heap peaked at 232 MiB held 316 MiB of anonymous memory (docs/benchmarks.md, "The run
/// ledger's removals spilled"). A fixed threshold keeps the resident size near the heap's.
public enum MemoryReturn {
    /// Blocks of at least this size are mapped on their own and unmapped when freed. The large
    /// buffers (sort budgets, evidence buckets, audit chunks) are several MiB. At S, 256 KiB
    /// cost about 11% more CPU in `clean` (mapping and zeroing many smaller blocks); 1 MiB and
    /// 4 MiB cost about 5%, within the noise of the runs. At L, 1 MiB peaked at 264 MiB and
    /// 4 MiB at 291 MiB (docs/benchmarks.md).
    public static let mappedBlockThreshold = 1 << 20

    /// Fixes the allocator's mmap threshold (glibc; elsewhere nothing is changed). Returns
    /// whether the allocator accepted it.
    @discardableResult
    public static func configure() -> Bool {
        listwash_fix_mmap_threshold(Int32(mappedBlockThreshold)) == 1
    }
}
