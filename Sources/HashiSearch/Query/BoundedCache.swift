import Foundation

/// A thread-safe memo of values by key, for data that never changes while it lives (what one
/// open index derives from its immutable concept table). It holds at most `capacity` entries:
/// when full, it starts over empty, so memory stays bounded whatever the queries.
final class BoundedCache<Key: Hashable, Value>: @unchecked Sendable {
    private var entries: [Key: Value] = [:]
    private let lock = NSLock()
    /// The most entries held at once.
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// The number of entries held.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }

    /// The value for `key`, computed by `make` (outside the lock) the first time.
    func value<E: Error>(for key: Key, _ make: () throws(E) -> Value) throws(E) -> Value {
        lock.lock()
        if let found = entries[key] {
            lock.unlock()
            return found
        }
        lock.unlock()
        let made = try make()
        lock.lock()
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = made
        lock.unlock()
        return made
    }
}
