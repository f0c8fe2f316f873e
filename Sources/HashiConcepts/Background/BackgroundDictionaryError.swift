/// Problems reading a background dictionary, naming the file and the place.
public enum BackgroundDictionaryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The built-in dictionary's data is not where the build put it.
    case missing(searched: [String])
    /// The file cannot be read.
    case unreadable(file: String)
    /// A line that is not a valid entry; `line` is 1-based.
    case malformedLine(file: String, line: Int, reason: String)
    /// Bytes that are not UTF-8 at a byte offset from the start of the file.
    case undecodable(file: String, line: Int, byteOffset: Int)
    /// ICU failed while analyzing headwords.
    case icu(String)

    /// A message naming the file and what is wrong.
    public var description: String {
        switch self {
        case let .missing(searched):
            "the built-in background dictionary (SudachiDict synonyms) was not found; looked in "
                + searched.joined(separator: ", ")
                + ". Reinstall Hashi with its resource bundle, set HASHI_BACKGROUND_DICTIONARY to the synonyms.txt file, or index with --no-background"
        case let .unreadable(file): "\(file): cannot read the background dictionary"
        case let .malformedLine(file, line, reason): "\(file):\(line): \(reason)"
        case let .undecodable(file, line, offset): "\(file):\(line): bytes that are not UTF-8 at byte offset \(offset)"
        case let .icu(message): "ICU failed while analyzing the background dictionary: \(message)"
        }
    }
}
