/// How a decision log batches its commits, and the bound of its queue.
public struct DecisionLogOptions: Sendable, Hashable {
    /// Buffered mode: the shortest time between two commits (default 200 ms). A crash of the process loses
    /// at most the records appended during one interval (plus the queue, when the store is failing).
    public var batchInterval: Duration
    /// The most records in one transaction (default 1000). In buffered mode a batch this large is committed
    /// without waiting for the interval.
    public var maximumBatch: Int
    /// The most records waiting to be committed (default 10 000). A full queue makes `append` wait (back
    /// pressure); in buffered mode, when the last commit failed, it throws instead of waiting.
    public var queueCapacity: Int

    /// Creates options; values below 1 are raised to 1.
    public init(batchInterval: Duration = .milliseconds(200), maximumBatch: Int = 1000, queueCapacity: Int = 10_000) {
        self.batchInterval = max(batchInterval, .zero)
        self.maximumBatch = max(1, maximumBatch)
        self.queueCapacity = max(1, queueCapacity)
    }
}

/// Counters of a decision log since it was opened: for metrics, and for tests that check group commit.
public struct DecisionLogStatistics: Sendable, Hashable {
    /// Records accepted by `append`.
    public var appended: Int
    /// Records committed.
    public var committed: Int
    /// Transactions committed (with group commit, fewer than records under concurrency).
    public var commits: Int
    /// Transactions that failed.
    public var failedCommits: Int
    /// Records that were accepted and then lost: durable appends that failed (their callers got the
    /// error), or buffered records that could still not be committed when the log was closed.
    public var failedRecords: Int
    /// Records waiting to be committed now.
    public var pending: Int

    /// Creates counters (all zero by default).
    public init(
        appended: Int = 0,
        committed: Int = 0,
        commits: Int = 0,
        failedCommits: Int = 0,
        failedRecords: Int = 0,
        pending: Int = 0
    ) {
        self.appended = appended
        self.committed = committed
        self.commits = commits
        self.failedCommits = failedCommits
        self.failedRecords = failedRecords
        self.pending = pending
    }
}
