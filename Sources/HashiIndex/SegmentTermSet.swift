#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terms a ``SegmentWriter`` holds, frozen when it was taken: answers whether a term occurs
/// in the segment before (or while) it is written, from any thread.
///
/// It shares the writer's term storage until the writer changes or is freed (then it keeps its
/// own copy alive), so taking one costs nothing.
public struct SegmentTermSet: Sendable {
    private let table: TermTable

    init(_ table: TermTable) { self.table = table }

    /// Number of distinct (field, term) pairs.
    public var count: Int { table.states.count }

    /// Whether `term` occurs in `field`.
    public func contains(field: UInt8, term: String) -> Bool {
        var copy = term
        return copy.withUTF8 { contains(field: field, bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Whether the term with UTF-8 bytes `bytes` occurs in `field`.
    public func contains(field: UInt8, bytes: UnsafeRawBufferPointer) -> Bool {
        let h = TermTable.hash(field: field, bytes: bytes)
        let slots = table.slots
        let mask = slots.count - 1
        var idx = Int(h) & mask
        return table.states.withUnsafeBufferPointer { states in
            table.arena.withUnsafeBytes { arena in
                while true {
                    let s = slots[idx]
                    if s == TermTable.emptySlot { return false }
                    if UInt32(truncatingIfNeeded: s >> 32) == h {
                        let st = states[Int(UInt32(truncatingIfNeeded: s))]
                        if st.field == field && Int(st.length) == bytes.count {
                            guard bytes.count > 0, let pa = arena.baseAddress, let pb = bytes.baseAddress else { return true }
                            if memcmp(pa + Int(st.start), pb, bytes.count) == 0 { return true }
                        }
                    }
                    idx = (idx + 1) & mask
                }
            }
        }
    }
}

extension SegmentWriter {
    /// The terms added so far (see ``SegmentTermSet``). The postings pool is not kept.
    public var termSet: SegmentTermSet {
        var table = TermTable()
        table.arena = terms.arena
        table.states = terms.states
        table.slots = terms.slots
        return SegmentTermSet(table)
    }
}
