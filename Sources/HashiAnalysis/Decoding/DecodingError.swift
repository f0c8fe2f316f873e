/// Why a file's bytes could not be turned into text. Every case names the file and the byte offset.
public enum DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes hold a NUL byte, which no text file in the encodings Hashi reads contains.
    case binary(source: String, offset: Int)
    /// No supported encoding decodes the bytes. `offset` is where the most plausible encoding
    /// (`encoding`) failed.
    case undecodable(source: String, offset: Int, encoding: TextEncoding)
    /// The input is larger than Hashi handles in one piece.
    case tooLarge(source: String, size: Int, limit: Int)

    public var description: String {
        switch self {
        case let .binary(source, offset):
            "\(source): binary file (NUL byte at byte offset \(offset)); only text files are read"
        case let .undecodable(source, offset, encoding):
            "\(source): cannot decode the bytes at byte offset \(offset) as \(encoding.rawValue) "
                + "(nor as any other supported encoding: UTF-8, UTF-16 with BOM, Shift_JIS, EUC-JP, ISO-2022-JP); "
                + "convert the file to UTF-8"
        case let .tooLarge(source, size, limit):
            "\(source): \(size) bytes is larger than the \(limit)-byte limit for one file; split it"
        }
    }
}
