import Foundation
import HashiIndex

/// The `Hashi` layer's files that end with a CRC-32C of their body (`concepts.map`, `glosses.mined`).
enum ChecksummedFile {
    /// The body of the file at `path`, its checksum verified; nil when there is no file. `what`
    /// names the file in errors ("the concept table").
    static func body(at path: String, what: String) throws(IndexError) -> ArraySlice<UInt8>? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count >= 4 else { throw .corrupted(file: path, offset: 0, reason: "\(what) is truncated") }
        let body = bytes[..<(bytes.count - 4)]
        let stored = bytes[(bytes.count - 4)...].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        guard CRC32C.checksum(body) == UInt32(littleEndian: stored) else {
            throw .corrupted(file: path, offset: bytes.count - 4, reason: "checksum mismatch")
        }
        return body
    }
}
