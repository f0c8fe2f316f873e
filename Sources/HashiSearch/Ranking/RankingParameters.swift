/// The knobs of Hashi's ranking.
public struct RankingParameters: Sendable, Hashable, Codable {
    /// BM25's term-frequency saturation.
    public var k1: Double
    /// BM25's length normalization (0: none, 1: full).
    public var b: Double
    /// How much a passage whose query terms stand next to each other gains (a factor of up to
    /// `1 + proximityWeight`; less the further apart they are).
    public var proximityWeight: Double

    /// Creates parameters; the defaults are Lucene's BM25 defaults.
    public init(k1: Double = 1.2, b: Double = 0.75, proximityWeight: Double = 0.5) {
        self.k1 = k1
        self.b = b
        self.proximityWeight = proximityWeight
    }
}

/// BM25 over passages.
struct BM25 {
    let parameters: RankingParameters
    /// Passages in the whole index.
    let passageCount: Double
    /// Average passage length per field.
    let averageLength: [UInt8: Double]

    func idf(_ documentFrequency: Int) -> Double {
        let df = Double(max(documentFrequency, 1))
        return log(1 + (passageCount - df + 0.5) / (df + 0.5))
    }

    /// The average length of `field` as scoring uses it (at least 1).
    func average(field: UInt8) -> Double { max(averageLength[field] ?? 1, 1) }

    func score(frequency: Double, documentFrequency: Int, length: Double, field: UInt8) -> Double {
        let average = average(field: field)
        let norm = parameters.k1 * (1 - parameters.b + parameters.b * length / average)
        return idf(documentFrequency) * frequency * (parameters.k1 + 1) / (frequency + norm)
    }
}

import Foundation
