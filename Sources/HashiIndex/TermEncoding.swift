import Dispatch

/// The postings and positions of a run of consecutive terms (in dictionary order), encoded on
/// one thread while other threads encode the next runs; the writer appends the runs in order, so
/// the files are those one thread makes.
struct EncodedTermRun: Sendable {
    /// The run's terms (writer term ids), in dictionary order.
    var terms: ArraySlice<UInt32>
    var pst: [UInt8] = []
    var pos: [UInt8] = []
    /// Per term: where its postings and positions start in ``pst`` and ``pos``.
    var pstStarts: [Int] = []
    var posStarts: [Int] = []
    var postings = 0
    var positions = 0

    init(terms: ArraySlice<UInt32>) {
        self.terms = terms
    }

    /// Encodes the run's terms from `table`.
    mutating func encode(from table: TermTable) {
        var encoder = PostingsEncoder()
        var passages: [UInt32] = []
        var frequencies: [UInt32] = []
        var positionValues: [UInt32] = []
        pstStarts.reserveCapacity(terms.count)
        posStarts.reserveCapacity(terms.count)
        for t in terms {
            table.decodeStream(Int(t), passages: &passages, frequencies: &frequencies, positions: &positionValues)
            encoder.encode(passages: passages, frequencies: frequencies, positions: positionValues)
            pstStarts.append(pst.count)
            posStarts.append(pos.count)
            pst.append(contentsOf: encoder.pst)
            pos.append(contentsOf: encoder.pos)
            postings += passages.count
            positions += positionValues.count
        }
    }

    /// Cuts `order` into runs of about `cost` postings and positions each (a term with more is a
    /// run of its own).
    static func runs(of order: [UInt32], in table: TermTable, cost: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        var sum = 0
        for (k, t) in order.enumerated() {
            let state = table.states[Int(t)]
            sum += Int(state.docFreq) + Int(truncatingIfNeeded: state.totalFreq)
            if sum >= cost {
                result.append(start..<(k + 1))
                start = k + 1
                sum = 0
            }
        }
        if start < order.count { result.append(start..<order.count) }
        return result
    }

    /// Encodes `runs` of `order` on up to `threads` threads, `threads` × 4 runs at a time (which
    /// bounds the encoded bytes held), handing each batch of runs to `consume` in order. With one
    /// thread, each run is encoded on this thread and handed over at once.
    static func encode(_ order: [UInt32], runs: [Range<Int>], from table: TermTable, threads: Int,
                       consume: (EncodedTermRun) throws(IndexError) -> Void) throws(IndexError) {
        if threads <= 1 {
            for range in runs {
                var run = EncodedTermRun(terms: order[range])
                run.encode(from: table)
                try consume(run)
            }
            return
        }
        let wave = threads * 4
        var first = 0
        while first < runs.count {
            let these = Array(runs[first..<min(first + wave, runs.count)])
            let slots = RunSlots(these.map { EncodedTermRun(terms: order[$0]) })
            DispatchQueue.concurrentPerform(iterations: these.count) { k in
                slots.encode(k, from: table)
            }
            for run in slots.take() { try consume(run) }
            first += these.count
        }
    }
}

/// The runs of one wave, each encoded by whichever thread takes its index (indexes are distinct,
/// so no two threads touch the same run); read once `concurrentPerform` has returned.
private final class RunSlots: @unchecked Sendable {
    private let runs: UnsafeMutableBufferPointer<EncodedTermRun>

    init(_ values: [EncodedTermRun]) {
        runs = .allocate(capacity: values.count)
        _ = runs.initialize(from: values)
    }

    deinit {
        runs.deinitialize()
        runs.deallocate()
    }

    func encode(_ k: Int, from table: TermTable) {
        runs[k].encode(from: table)
    }

    /// The encoded runs, in order.
    func take() -> [EncodedTermRun] { Array(runs) }
}
