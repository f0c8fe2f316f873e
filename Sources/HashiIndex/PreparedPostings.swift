#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The postings of a document's passages, grouped and encoded ahead of time (on an analysis thread)
/// so that adding them to a ``SegmentWriter`` is cheap: the writer's thread only interns each
/// distinct term of a passage (with the hash computed here) and copies its encoded occurrences.
///
/// Usage: for each passage, ``add(field:bytes:position:)`` its tokens (any field, any order), then
/// ``endPassage()``; hand the result to ``SegmentWriter/addPassage(document:ordinal:line:startOffset:endOffset:text:postings:passage:)``.
/// The segment written is byte-identical to one built with ``SegmentWriter/addToken(field:bytes:position:)``
/// for the same tokens.
public struct PreparedPostings: Sendable {
    /// One distinct (field, term) of a passage. Its bytes and encoded occurrences follow those of
    /// the passage's previous term in ``termBytes`` and ``encoded``.
    struct Term: Sendable {
        var hash: UInt32
        var frequency: UInt32
        /// The term's largest position in the passage.
        var lastPosition: UInt32
        var encodedLength: UInt32
        var termLength: UInt8
        var field: UInt8
    }

    /// Where a passage's terms, term bytes and encoded occurrences end.
    struct PassageEnd: Sendable {
        var terms: Int
        var termBytes: Int
        var encoded: Int
    }

    /// Terms longer than this many bytes are left out.
    public static let maximumTermBytes = 255

    /// Distinct terms' bytes, back to back.
    private(set) var termBytes: [UInt8] = []
    /// Per distinct term: its frequency and position deltas as varints (as a posting stores them
    /// after the passage delta).
    private(set) var encoded: [UInt8] = []
    private(set) var terms: [Term] = []
    private(set) var passageEnds: [PassageEnd] = []

    // The current passage: its distinct terms (local ids index `terms` from `passageStart`, their
    // bytes start at `localStarts`) and tokens as local id << 32 | position.
    private var tokens: [UInt64] = []
    private var localStarts: [UInt32] = []
    private var slots: [Int32] = Array(repeating: -1, count: 256)
    private var usedSlots: [Int32] = []
    private var passageStart = 0
    /// Scratch of ``sortTokens(distinctTerms:)``.
    private var groupEnds: [Int] = []
    private var sortedTokens: [UInt64] = []

    /// Creates an empty collection.
    public init() {}

    /// Number of passages ended so far.
    public var passageCount: Int { passageEnds.count }

    /// Number of tokens added to the current passage so far.
    public var pendingTokens: Int { tokens.count }

    /// Adds one token of the current passage (see ``SegmentWriter/addToken(field:bytes:position:)``);
    /// a term longer than ``maximumTermBytes`` is left out.
    public mutating func add(field: UInt8, bytes: UnsafeRawBufferPointer, position: UInt32) {
        guard bytes.count <= Self.maximumTermBytes else { return }
        let h = TermTable.hash(field: field, bytes: bytes)
        var mask = slots.count - 1
        var idx = Int(h) & mask
        let found: Int = slots.withUnsafeBufferPointer { slots in
            terms.withUnsafeBufferPointer { terms in
                localStarts.withUnsafeBufferPointer { starts in
                    termBytes.withUnsafeBytes { a in
                        while true {
                            let s = slots[idx]
                            if s < 0 { return -1 }
                            let t = terms[passageStart + Int(s)]
                            if t.hash == h && t.field == field && Int(t.termLength) == bytes.count {
                                guard bytes.count > 0, let pa = a.baseAddress, let pb = bytes.baseAddress else { return Int(s) }
                                if memcmp(pa + Int(starts[Int(s)]), pb, bytes.count) == 0 { return Int(s) }
                            }
                            idx = (idx + 1) & mask
                        }
                    }
                }
            }
        }
        var local = found
        if local < 0 {
            local = terms.count - passageStart
            terms.append(Term(hash: h, frequency: 0, lastPosition: 0, encodedLength: 0,
                              termLength: UInt8(truncatingIfNeeded: bytes.count), field: field))
            localStarts.append(UInt32(truncatingIfNeeded: termBytes.count))
            termBytes.append(contentsOf: bytes)
            slots[idx] = Int32(truncatingIfNeeded: local)
            usedSlots.append(Int32(truncatingIfNeeded: idx))
            if (local + 1) * 2 > slots.count {
                // Grow and re-insert the passage's terms.
                var grown = [Int32](repeating: -1, count: slots.count * 2)
                mask = grown.count - 1
                usedSlots.removeAll(keepingCapacity: true)
                for k in 0...local {
                    var j = Int(terms[passageStart + k].hash) & mask
                    while grown[j] >= 0 { j = (j + 1) & mask }
                    grown[j] = Int32(truncatingIfNeeded: k)
                    usedSlots.append(Int32(truncatingIfNeeded: j))
                }
                slots = grown
            }
        }
        tokens.append(UInt64(local) << 32 | UInt64(position))
    }

    /// Ends the current passage: groups its tokens by term and encodes each term's occurrences.
    /// Returns the passage's index in this collection.
    @discardableResult
    public mutating func endPassage() -> Int {
        sortTokens(distinctTerms: terms.count - passageStart)
        var i = 0
        let n = tokens.count
        while i < n {
            let local = Int(tokens[i] >> 32)
            var j = i + 1
            while j < n && Int(tokens[j] >> 32) == local { j += 1 }
            let start = encoded.count
            encoded.appendVarint(UInt32(j - i))
            var previous: UInt32 = 0
            for k in i..<j {
                let p = UInt32(truncatingIfNeeded: tokens[k])
                encoded.appendVarint(p &- previous)
                previous = p
            }
            let t = passageStart + local
            terms[t].frequency = UInt32(j - i)
            terms[t].lastPosition = previous
            terms[t].encodedLength = UInt32(truncatingIfNeeded: encoded.count - start)
            i = j
        }
        tokens.removeAll(keepingCapacity: true)
        for s in usedSlots { slots[Int(s)] = -1 }
        usedSlots.removeAll(keepingCapacity: true)
        localStarts.removeAll(keepingCapacity: true)
        passageStart = terms.count
        passageEnds.append(PassageEnd(terms: terms.count, termBytes: termBytes.count, encoded: encoded.count))
        return passageEnds.count - 1
    }

    /// Sorts the current passage's tokens (local id << 32 | position) as `tokens.sort()` would: by
    /// local id with a counting pass (ids are dense, below `distinctTerms`), then each id's
    /// positions by insertion, which is linear since each stream emits its tokens in position order
    /// (a passage out of order beyond a bound is sorted in full instead).
    private mutating func sortTokens(distinctTerms: Int) {
        let n = tokens.count
        guard n > 1 else { return }
        groupEnds.removeAll(keepingCapacity: true)
        groupEnds.append(contentsOf: repeatElement(0, count: distinctTerms + 1))
        sortedTokens.removeAll(keepingCapacity: true)
        sortedTokens.append(contentsOf: repeatElement(0, count: n))
        var inOrder = true
        tokens.withUnsafeBufferPointer { tokens in
            groupEnds.withUnsafeMutableBufferPointer { next in
                sortedTokens.withUnsafeMutableBufferPointer { sorted in
                    for t in tokens {
                        let k = Int(t >> 32)
                        guard k < distinctTerms else { inOrder = false; return }
                        next[k + 1] += 1
                    }
                    for k in 0..<distinctTerms { next[k + 1] += next[k] }
                    for t in tokens {
                        let k = Int(t >> 32)
                        sorted[next[k]] = t
                        next[k] += 1
                    }
                    var moves = 0
                    for i in 1..<n {
                        let t = sorted[i]
                        var j = i
                        while j > 0 && sorted[j - 1] > t {
                            sorted[j] = sorted[j - 1]
                            j -= 1
                            moves += 1
                        }
                        sorted[j] = t
                        if moves > 4 * n { inOrder = false; return }
                    }
                }
            }
        }
        if inOrder {
            swap(&tokens, &sortedTokens)
        } else {
            tokens.sort()
        }
    }

    /// Where passage `k`'s terms, term bytes and encoded occurrences start.
    func passageStart(_ k: Int) -> PassageEnd {
        k == 0 ? PassageEnd(terms: 0, termBytes: 0, encoded: 0) : passageEnds[k - 1]
    }

    /// Bytes held (for memory accounting).
    public var memoryBytes: Int {
        termBytes.capacity + encoded.capacity + terms.capacity * MemoryLayout<Term>.stride + passageEnds.capacity * MemoryLayout<PassageEnd>.stride
            + tokens.capacity * 8 + slots.capacity * 4 + sortedTokens.capacity * 8 + groupEnds.capacity * 8
    }

    /// Frees the memory of the passages' contents, keeping nothing (after they were added to a writer).
    public mutating func removeAll() {
        self = PreparedPostings()
    }
}
