/// Why a JMdict import failed. Every case names the file and where in it: the 1-based line of the
/// XML, or a byte offset.
///
/// Byte offsets of XML problems count bytes of the XML text (after inflating a gzipped file); byte
/// offsets of gzip problems count bytes of the compressed file.
public enum JMdictError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case cannotRead(file: String, message: String)
    /// A temporary or output file could not be written, renamed or removed.
    case cannotWrite(file: String, message: String)
    /// The gzip stream is damaged (bad header, bad deflate data, bad checksum, data after its end).
    case corruptGzip(file: String, byteOffset: Int, message: String)
    /// The gzip stream ends before its end marker and checksum.
    case truncatedGzip(file: String, byteOffset: Int)
    /// Bytes that are not UTF-8, starting at `byteOffset` of the XML text.
    case invalidUTF8(file: String, line: Int, byteOffset: Int)
    /// The XML is not well formed (or uses a feature this reader does not support), as `message` says.
    case malformedXML(file: String, line: Int, message: String)
    /// A reference to an entity that is neither predefined nor declared in the DOCTYPE.
    case undefinedEntity(file: String, line: Int, name: String)
    /// The XML ends inside an element (`openElement`, opened at `openedAt`) or before any element.
    case truncatedXML(file: String, line: Int, openElement: String?, openedAt: Int?)
    /// Well-formed XML that is not JMdict: its root (or DOCTYPE) element is `found`.
    case notJMdict(file: String, line: Int, found: String)
    /// A JMdict entry that breaks the DTD in a way the importer cannot work around.
    case invalidEntry(file: String, line: Int, message: String)

    /// The file named in the error.
    public var file: String {
        switch self {
        case let .cannotRead(file, _), let .cannotWrite(file, _), let .corruptGzip(file, _, _),
             let .truncatedGzip(file, _), let .invalidUTF8(file, _, _), let .malformedXML(file, _, _),
             let .undefinedEntity(file, _, _), let .truncatedXML(file, _, _, _), let .notJMdict(file, _, _),
             let .invalidEntry(file, _, _): file
        }
    }

    /// The 1-based XML line of the error, when it has one.
    public var line: Int? {
        switch self {
        case .cannotRead, .cannotWrite, .corruptGzip, .truncatedGzip: nil
        case let .invalidUTF8(_, line, _), let .malformedXML(_, line, _), let .undefinedEntity(_, line, _),
             let .truncatedXML(_, line, _, _), let .notJMdict(_, line, _), let .invalidEntry(_, line, _): line
        }
    }

    /// One line: `file:line: what is wrong` or `file: byte offset N: what is wrong`.
    public var description: String {
        switch self {
        case let .cannotRead(file, message): "\(file): cannot read (\(message))"
        case let .cannotWrite(file, message): "\(file): cannot write (\(message))"
        case let .corruptGzip(file, offset, message): "\(file): byte offset \(offset): corrupt gzip stream (\(message))"
        case let .truncatedGzip(file, offset): "\(file): byte offset \(offset): the gzip stream ends early (truncated file)"
        case let .invalidUTF8(file, line, offset): "\(file):\(line): bytes that are not UTF-8 at byte offset \(offset) of the XML"
        case let .malformedXML(file, line, message): "\(file):\(line): malformed XML: \(message)"
        case let .undefinedEntity(file, line, name): "\(file):\(line): undefined entity &\(name);"
        case let .truncatedXML(file, line, element, openedAt):
            if let element, let openedAt {
                "\(file):\(line): the XML ends inside <\(element)> opened at line \(openedAt) (truncated file)"
            } else {
                "\(file):\(line): the XML ends before its root element (empty or truncated file)"
            }
        case let .notJMdict(file, line, found): "\(file):\(line): not a JMdict file (its root element is <\(found)>, not <JMdict>)"
        case let .invalidEntry(file, line, message): "\(file):\(line): invalid JMdict entry: \(message)"
        }
    }
}
