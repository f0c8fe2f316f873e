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
        table.find(field: field, bytes: bytes, hash: TermTable.hash(field: field, bytes: bytes)).id >= 0
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
