import Synchronization
import TesseraPolicy

/// The queue and the single writer task shared by the SQLite and PostgreSQL stores: group commit in
/// durable mode, interval batches in buffered mode, a bounded queue in both.
///
/// One writer task drains the queue in FIFO order. Each turn it takes up to `maximumBatch` waiting records
/// and hands them to `commit` as one transaction:
/// - durable: the writer starts a batch as soon as anything waits, so records that arrive while a
///   transaction is being committed go together in the next one (group commit); each `append` resumes when
///   its batch is committed, or throws when that batch failed (its caller must not report the decision).
///   A failed batch is not retried: its callers have the error.
/// - buffered: `append` returns once the record is queued; the writer commits at most once per
///   `batchInterval`, sooner when `maximumBatch` records wait or a flush or close asks. A failed batch stays
///   at the head of the queue and is retried with a growing delay (50 ms up to 5 s), so nothing accepted is
///   dropped while the store recovers; if the queue fills while the store is failing, `append` throws
///   ``DecisionLogError/Code/unavailable`` instead of waiting.
///
/// Records are inserted idempotently by id by the stores, so retrying a batch whose commit outcome was
/// unknown (a connection lost during `COMMIT`) never duplicates it.
final class DecisionBatcher: Sendable {
    /// Writes one batch in one transaction.
    typealias Commit = @Sendable ([DecisionRecord]) async throws -> Void

    let mode: DecisionLogMode
    let options: DecisionLogOptions
    /// The store, for error messages.
    let store: String
    private let commit: Commit
    private let state: Mutex<State>
    private let writer = Mutex<Task<Void, Never>?>(nil)

    private struct Entry {
        var record: DecisionRecord
        /// Durable mode: the append waiting for this record's commit.
        var waiter: CheckedContinuation<Void, any Error>?
    }

    private struct FlushWaiter {
        var target: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [Entry] = []
        /// Space promised to appends that are about to enqueue.
        var reserved = 0
        /// Records ever enqueued, and records that left the queue (committed, or failed in durable mode).
        var enqueued = 0
        var processed = 0
        var closing = false
        var writerWake: CheckedContinuation<Void, Never>?
        var wakePending = false
        var spaceWaiters: [CheckedContinuation<Void, Never>] = []
        var flushWaiters: [FlushWaiter] = []
        /// Buffered mode: why the last commit failed (cleared by a successful one), and when to retry.
        var lastFailure: DecisionLogError?
        var retryAt: ContinuousClock.Instant?
        var retryDelay: Duration = .milliseconds(50)
        var failuresWhileClosing = 0
        /// Set when close gave up on records it could not commit.
        var closeError: DecisionLogError?
        var statistics = DecisionLogStatistics()
    }

    /// Starts the writer task.
    init(mode: DecisionLogMode, options: DecisionLogOptions, store: String, commit: @escaping Commit) {
        self.mode = mode
        self.options = options
        self.store = store
        self.commit = commit
        self.state = Mutex(State())
        let task = Task { [self] in await run() }
        writer.withLock { $0 = task }
    }

    /// The counters so far.
    var statistics: DecisionLogStatistics {
        state.withLock {
            var statistics = $0.statistics
            statistics.pending = $0.queue.count
            return statistics
        }
    }

    /// Whether ``close()`` was called.
    var isClosed: Bool { state.withLock { $0.closing } }

    private var closedError: DecisionLogError {
        DecisionLogError(code: .closed, store: store, message: "the decision log is closed")
    }

    // MARK: - Appending

    /// Queues a record; in durable mode, returns when it is committed.
    func append(_ record: DecisionRecord) async throws(DecisionLogError) {
        try await reserveSpace()
        switch mode {
        case .buffered:
            let wake: CheckedContinuation<Void, Never>?? = state.withLock { state in
                state.reserved -= 1
                guard !state.closing else { return nil }
                let wasEmpty = state.queue.isEmpty
                state.queue.append(Entry(record: record, waiter: nil))
                state.enqueued += 1
                state.statistics.appended += 1
                let urgent = wasEmpty || state.queue.count >= min(options.maximumBatch, options.queueCapacity)
                return .some(urgent ? Self.takeWake(&state) : nil)
            }
            guard let wake else { throw closedError }
            wake?.resume()
        case .durable:
            do {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let wake: CheckedContinuation<Void, Never>?? = state.withLock { state in
                        state.reserved -= 1
                        guard !state.closing else { return nil }
                        state.queue.append(Entry(record: record, waiter: continuation))
                        state.enqueued += 1
                        state.statistics.appended += 1
                        return .some(Self.takeWake(&state))
                    }
                    guard let wake else {
                        continuation.resume(throwing: closedError)
                        return
                    }
                    wake?.resume()
                }
            } catch let error as DecisionLogError {
                throw error
            } catch {
                throw DecisionLogError(code: .writeFailed, store: store, message: "\(error)")
            }
        }
    }

    /// Waits until the queue has room for one more record, and promises that room to the caller.
    private func reserveSpace() async throws(DecisionLogError) {
        enum Reservation {
            case reserved
            case full
            case closed
            case failing(DecisionLogError)
        }
        while true {
            let reservation: Reservation = state.withLock { state in
                if state.closing { return .closed }
                if state.queue.count + state.reserved < options.queueCapacity {
                    state.reserved += 1
                    return .reserved
                }
                if mode == .buffered, let failure = state.lastFailure { return .failing(failure) }
                return .full
            }
            switch reservation {
            case .reserved:
                return
            case .closed:
                throw closedError
            case .failing(let failure):
                throw DecisionLogError(
                    code: .unavailable,
                    store: store,
                    message: "the decision log queue is full (\(options.queueCapacity) records) and the store is "
                        + "failing: \(failure.message)"
                )
            case .full:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let (waitNow, wake) = state.withLock { state in
                        let stillFull =
                            !state.closing && state.queue.count + state.reserved >= options.queueCapacity
                            && !(mode == .buffered && state.lastFailure != nil)
                        guard stillFull else { return (false, CheckedContinuation<Void, Never>?.none) }
                        state.spaceWaiters.append(continuation)
                        // A full queue is committed without waiting for the interval.
                        return (true, Self.takeWake(&state))
                    }
                    wake?.resume()
                    if !waitNow { continuation.resume() }
                }
            }
        }
    }

    /// Returns when everything enqueued before the call is committed.
    func flush() async throws(DecisionLogError) {
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (done, wake): (Bool, CheckedContinuation<Void, Never>?) = state.withLock { state in
                    if state.processed >= state.enqueued { return (true, nil) }
                    state.flushWaiters.append(FlushWaiter(target: state.enqueued, continuation: continuation))
                    return (false, Self.takeWake(&state))
                }
                if done { continuation.resume() }
                wake?.resume()
            }
        } catch let error as DecisionLogError {
            throw error
        } catch {
            throw DecisionLogError(code: .writeFailed, store: store, message: "\(error)")
        }
    }

    /// Refuses new records, commits everything queued, and stops the writer.
    /// - Throws: when queued records could not be committed (buffered mode, after three attempts).
    func close() async throws(DecisionLogError) {
        let (spaceWaiters, wake) = state.withLock { state in
            state.closing = true
            let waiters = state.spaceWaiters
            state.spaceWaiters = []
            return (waiters, Self.takeWake(&state))
        }
        for waiter in spaceWaiters { waiter.resume() }
        wake?.resume()
        if let task = writer.withLock({ $0 }) { await task.value }
        if let error = state.withLock({ $0.closeError }) { throw error }
    }

    // MARK: - The writer

    /// The writer's continuation to resume, taken from the state; when the writer is not parked, a note that
    /// it must look at the queue again before parking.
    private static func takeWake(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        if let wake = state.writerWake {
            state.writerWake = nil
            return wake
        }
        state.wakePending = true
        return nil
    }

    private func wake() {
        state.withLock { Self.takeWake(&$0) }?.resume()
    }

    /// Parks the writer until woken, or until `deadline`.
    private func park(until deadline: ContinuousClock.Instant?) async {
        let timer = deadline.map { deadline in
            Task { [self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                wake()
            }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.wakePending {
                    state.wakePending = false
                    return true
                }
                state.writerWake = continuation
                return false
            }
            if now { continuation.resume() }
        }
        timer?.cancel()
    }

    private enum Step {
        case exit
        case park(ContinuousClock.Instant?)
        case commit([DecisionRecord])
    }

    private func run() async {
        let clock = ContinuousClock()
        var lastCommit = clock.now - options.batchInterval
        while true {
            let now = clock.now
            let step: Step = state.withLock { state in
                guard !state.queue.isEmpty else { return state.closing ? .exit : .park(nil) }
                let urgent =
                    state.closing || !state.flushWaiters.isEmpty || !state.spaceWaiters.isEmpty
                    || state.queue.count >= min(options.maximumBatch, options.queueCapacity)
                if let retryAt = state.retryAt, now < retryAt {
                    return .park(retryAt)
                }
                if mode == .buffered && !urgent && now < lastCommit + options.batchInterval {
                    return .park(lastCommit + options.batchInterval)
                }
                return .commit(state.queue.prefix(options.maximumBatch).map(\.record))
            }
            switch step {
            case .exit:
                return
            case .park(let deadline):
                await park(until: deadline)
            case .commit(let records):
                do {
                    try await commit(records)
                    succeeded(records.count)
                } catch {
                    failed(records.count, error: Self.describe(error, store: store))
                }
                lastCommit = clock.now
            }
        }
    }

    private func succeeded(_ count: Int) {
        let (waiters, flushed, spaceWaiters) = state.withLock { state in
            let waiters = state.queue.prefix(count).compactMap(\.waiter)
            state.queue.removeFirst(count)
            state.processed += count
            state.statistics.committed += count
            state.statistics.commits += 1
            state.lastFailure = nil
            state.retryAt = nil
            state.retryDelay = .milliseconds(50)
            let processed = state.processed
            let flushed = state.flushWaiters.filter { $0.target <= processed }
            state.flushWaiters.removeAll { $0.target <= processed }
            let spaceWaiters = state.spaceWaiters
            state.spaceWaiters = []
            return (waiters, flushed, spaceWaiters)
        }
        for waiter in waiters { waiter.resume() }
        for waiter in flushed { waiter.continuation.resume() }
        for waiter in spaceWaiters { waiter.resume() }
    }

    private func failed(_ count: Int, error: DecisionLogError) {
        let (waiters, flushed, spaceWaiters) = state.withLock { state in
            state.statistics.failedCommits += 1
            var waiters: [CheckedContinuation<Void, any Error>] = []
            var flushed: [FlushWaiter] = []
            switch mode {
            case .durable:
                waiters = state.queue.prefix(count).compactMap(\.waiter)
                state.queue.removeFirst(count)
                state.processed += count
                state.statistics.failedRecords += count
                let processed = state.processed
                flushed = state.flushWaiters.filter { $0.target <= processed }
                state.flushWaiters.removeAll { $0.target <= processed }
            case .buffered:
                state.lastFailure = error
                flushed = state.flushWaiters
                state.flushWaiters = []
                if state.closing {
                    state.failuresWhileClosing += 1
                    if state.failuresWhileClosing >= 3 {
                        let lost = state.queue.count
                        state.statistics.failedRecords += lost
                        state.processed += lost
                        state.queue.removeAll()
                        state.closeError = DecisionLogError(
                            code: .writeFailed,
                            store: store,
                            message: "closed with \(lost) decision records not committed: \(error.message)"
                        )
                        break
                    }
                }
                state.retryAt = ContinuousClock.now + state.retryDelay
                state.retryDelay = min(state.retryDelay * 2, .seconds(5))
            }
            let spaceWaiters = state.spaceWaiters
            state.spaceWaiters = []
            return (waiters, flushed, spaceWaiters)
        }
        for waiter in waiters { waiter.resume(throwing: error) }
        for waiter in flushed {
            if mode == .durable {
                waiter.continuation.resume()
            } else {
                waiter.continuation.resume(throwing: error)
            }
        }
        for waiter in spaceWaiters { waiter.resume() }
    }

    /// A store error as a ``DecisionLogError``.
    static func describe(_ error: any Error, store: String) -> DecisionLogError {
        if let error = error as? DecisionLogError { return error }
        return DecisionLogError(code: .writeFailed, store: store, message: "cannot commit decision records: \(error)")
    }
}
