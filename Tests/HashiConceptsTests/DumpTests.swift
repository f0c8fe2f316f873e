import Testing
import HashiConcepts

struct DumpTests {
    @Test func dump() throws {
        guard ProcessInfoShim.dump else { return }
        let miner = try ConceptMiner()
        for m in try miner.mine(documents: corpusDocuments()) {
            print("MINED\t\(m.rule.rawValue)\t\(m.confidence)\t\(m.terms.joined(separator: " ~ "))\t\(m.evidence.map { "\($0.document):\($0.line)" }.joined(separator: ","))")
        }
    }
}
import Foundation
enum ProcessInfoShim { static var dump: Bool { ProcessInfo.processInfo.environment["HASHI_DUMP"] != nil } }
