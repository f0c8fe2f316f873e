import HashiIndex

/// How an incremental build arranges the segments of the new generation: which of the previous
/// generation's segments it keeps as they are (with their deletions), which it drops (every
/// document deleted), and which it merges, together with the segments it has just written.
///
/// The policy keeps repeated incremental builds from degrading search:
/// - a segment whose deleted passages exceed ``maximumDeletedFraction`` of its passages is
///   rewritten without them;
/// - when there are more than ``maximumSmallSegments`` segments under ``smallSegmentBytes``
///   (what small incremental builds leave), they are merged;
/// - segments chosen for merging are merged in index order into groups of at most `mergeBytes`
///   of live data, which bounds the memory a merge takes.
///
/// So the index holds at most the segments a full build would make, plus those that later builds
/// added in large batches, plus ``maximumSmallSegments`` small ones; and no segment is more than
/// a quarter deleted.
struct MergePlan {
    /// A segment of the new generation before merging.
    enum Member: Equatable {
        /// Segment `k` of the previous generation.
        case old(Int)
        /// A segment this build wrote.
        case new(String)
    }

    /// One step, in the order of the new generation's segments.
    enum Step: Equatable {
        /// Keep segment `k` of the previous generation (hard-linked, with its deletions).
        case keep(Int)
        /// Keep a segment this build wrote.
        case keepNew(String)
        /// Merge these segments into one new segment, which takes the place of the first.
        case merge([Member])
        /// Leave the segment out: every document in it is deleted.
        case drop(Member)
    }

    /// A segment more deleted than this (deleted passages ÷ passages) is rewritten.
    static let maximumDeletedFraction = 0.25
    /// Segments smaller than this on disk count as small.
    static let smallSegmentBytes = 8 << 20
    /// More small segments than this are merged.
    static let maximumSmallSegments = 4

    /// The steps, in segment order.
    let steps: [Step]

    private struct Slot {
        var member: Member
        var bytes: Int
        var passages: Int
        var deletedPassages: Int
        var liveDocuments: Int
        var liveBytes: Int { passages == 0 ? bytes : bytes * (passages - deletedPassages) / passages }
    }

    /// Plans the generation made of `old` (the previous generation's segments, with the deletions
    /// this build leaves in them) followed by `new` (the segments this build wrote).
    init(old: [SegmentReader], deletions: [DeletedDocuments?], new: [SegmentSummary], mergeBytes: Int) {
        var slots: [Slot] = []
        for (k, reader) in old.enumerated() {
            var deletedPassages = 0
            let deleted = k < deletions.count ? deletions[k] : nil
            for d in deleted?.ids ?? [] { deletedPassages += Int(reader.document(d)?.passageCount ?? 0) }
            slots.append(Slot(member: .old(k), bytes: reader.byteCount, passages: reader.passageCount,
                              deletedPassages: deletedPassages,
                              liveDocuments: reader.documentCount - (deleted?.count ?? 0)))
        }
        for summary in new {
            slots.append(Slot(member: .new(summary.name), bytes: summary.totalBytes, passages: summary.passageCount,
                              deletedPassages: 0, liveDocuments: summary.documentCount))
        }
        var marked = slots.map { slot in
            slot.liveDocuments > 0 && slot.passages > 0
                && Double(slot.deletedPassages) > Self.maximumDeletedFraction * Double(slot.passages)
        }
        let small = slots.indices.filter { slots[$0].liveDocuments > 0 && slots[$0].bytes < Self.smallSegmentBytes }
        if small.count > Self.maximumSmallSegments {
            for i in small { marked[i] = true }
        }
        // Group the marked segments, in order, into merges of bounded size.
        var groupOf = [Int?](repeating: nil, count: slots.count)
        var groups: [[Int]] = []
        var current: [Int] = []
        var currentBytes = 0
        for i in slots.indices where marked[i] {
            if !current.isEmpty && currentBytes + slots[i].liveBytes > mergeBytes {
                groups.append(current)
                current = []
                currentBytes = 0
            }
            current.append(i)
            currentBytes += slots[i].liveBytes
        }
        if !current.isEmpty { groups.append(current) }
        for (g, group) in groups.enumerated() {
            // Merging one segment without deletions would only copy it.
            if group.count == 1 && slots[group[0]].deletedPassages == 0 { continue }
            for i in group { groupOf[i] = g }
        }
        var steps: [Step] = []
        for (i, slot) in slots.enumerated() {
            if slot.liveDocuments == 0 {
                steps.append(.drop(slot.member))
            } else if let g = groupOf[i] {
                if groups[g].first == i { steps.append(.merge(groups[g].map { slots[$0].member })) }
            } else {
                switch slot.member {
                case .old(let k): steps.append(.keep(k))
                case .new(let name): steps.append(.keepNew(name))
                }
            }
        }
        self.steps = steps
    }
}
