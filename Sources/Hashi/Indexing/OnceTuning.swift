import Foundation

/// Runs a piece of process-wide set-up at most once, from any thread.
final class OnceTuning: @unchecked Sendable {
    private let body: () -> Void
    private var done = false
    private let lock = NSLock()

    init(_ body: @escaping () -> Void) { self.body = body }

    /// Runs the set-up unless it already ran.
    func run() {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        body()
    }
}
