import Foundation
import HashiConcepts
import HashiIndex

/// The glosses mined from each document of an index, kept in `glosses.mined` beside the segments so
/// that an incremental build can rebuild the concept table without reading the unchanged documents
/// again: the glosses of the documents it keeps are taken from here, those of the files it
/// re-analyses are mined afresh.
///
/// The file is JSON with sorted keys (`{"documents": {"path": [gloss, …]}}`, only documents with at
/// least one gloss) followed by a 4-byte little-endian CRC-32C of the JSON, like `concepts.map`.
public struct MinedGlosses: Sendable, Codable, Equatable {
    /// Document path → the glosses mined from it, in the order the miner found them.
    public var documents: [String: [MinedConcept]]

    /// The file name inside a generation directory.
    public static let fileName = "glosses.mined"

    /// Glosses by document (documents without glosses may be left out).
    public init(documents: [String: [MinedConcept]] = [:]) {
        self.documents = documents.filter { !$0.value.isEmpty }
    }

    /// Writes the file into `directory`, fsynced; returns its size in bytes.
    @discardableResult
    func write(to directory: URL) throws(IndexError) -> Int {
        let path = directory.appendingPathComponent(Self.fileName).path
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes: [UInt8]
        do { bytes = [UInt8](try encoder.encode(self)) } catch {
            throw .invalidInput("the mined glosses cannot be encoded: \(error)")
        }
        let crc = CRC32C.checksum(bytes)
        withUnsafeBytes(of: crc.littleEndian) { bytes.append(contentsOf: $0) }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw .io(file: path, operation: "write the mined glosses", errno: errno)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw .io(file: path, operation: "open the mined glosses to flush them", errno: errno)
        }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw .io(file: path, operation: "fsync the mined glosses", errno: errno)
        }
        return bytes.count
    }

    /// Reads the file of the generation in `directory`; nil when there is none (an index built
    /// before glosses were stored). A damaged file is an error naming it.
    public static func read(from directory: URL) throws(IndexError) -> MinedGlosses? {
        let path = directory.appendingPathComponent(Self.fileName).path
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count >= 4 else { throw .corrupted(file: path, offset: 0, reason: "the mined glosses file is truncated") }
        let body = bytes[..<(bytes.count - 4)]
        let stored = bytes[(bytes.count - 4)...].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        guard CRC32C.checksum(body) == UInt32(littleEndian: stored) else {
            throw .corrupted(file: path, offset: bytes.count - 4, reason: "checksum mismatch")
        }
        do {
            return try JSONDecoder().decode(MinedGlosses.self, from: Data(body))
        } catch {
            throw .corrupted(file: path, offset: 0, reason: "the mined glosses cannot be read (\(error))")
        }
    }

    /// Checks the file of the committed generation of the index at `index`: the problems found
    /// (empty when healthy or absent).
    public static func verify(index: URL) -> [String] {
        let directory = IndexDirectory(url: index)
        guard let manifest = try? directory.readManifest() else { return [] }
        do {
            _ = try read(from: directory.generationURL(manifest.generation))
            return []
        } catch {
            return [error.description]
        }
    }
}
