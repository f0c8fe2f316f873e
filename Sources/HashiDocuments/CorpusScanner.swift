import Foundation

/// A file of a corpus: where it is and what the build needs to know without reading it.
public struct CorpusFile: Sendable, Hashable {
    /// The document id: the path relative to the corpus root, with `/` separators.
    public var relativePath: String
    /// Size in bytes when listed.
    public var size: UInt64
    /// Modification time when listed, in nanoseconds since 1970.
    public var modified: Int64
    /// What kind of document the name says it is.
    public var kind: SourceDocument.Kind
    /// Where the file is: below a corpus folder (whose path string all files of a scan share), or
    /// at a path of its own.
    private var location: Location

    private enum Location: Sendable, Hashable {
        case below(root: String)
        case at(path: String)
    }

    /// The absolute path to read.
    public var path: String {
        switch location {
        case .below(let root): root + "/" + relativePath
        case .at(let path): path
        }
    }

    /// The file to read. (Paths are kept as strings sharing the corpus folder's rather than as
    /// `URL`s, which cost several times more memory per file on Linux: a listing of 57,000 files
    /// took 23 MB as URLs, 5 MB like this.)
    public var url: URL { URL(fileURLWithPath: path) }

    /// A file of the corpus at `url`, whose path relative to the corpus folder is `relativePath`.
    public init(relativePath: String, url: URL, size: UInt64, modified: Int64, kind: SourceDocument.Kind) {
        self.init(relativePath: relativePath, root: nil, size: size, modified: modified, kind: kind)
        location = .at(path: url.path)
    }

    /// A file at `root/relativePath` (`root` without a trailing `/`).
    init(relativePath: String, root: String?, size: UInt64, modified: Int64, kind: SourceDocument.Kind) {
        self.relativePath = relativePath
        self.size = size
        self.modified = modified
        self.kind = kind
        location = .below(root: root ?? "")
    }
}

/// A problem with one file that does not stop a build: the file is left out.
public struct CorpusWarning: Error, Sendable, Hashable, CustomStringConvertible, Codable {
    /// The file's path relative to the corpus root (or the corpus root itself).
    public var path: String
    /// What is wrong, for a person to act on.
    public var reason: String

    /// Creates a warning.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// Lists the documents of a corpus folder: every `.txt`, `.md`, `.html` and `.htm` file below it,
/// recursively, in a stable order (sorted by relative path). Symbolic links are followed, but a
/// link back into a folder already being walked (a loop) is reported and skipped, as are dangling
/// links and unreadable folders.
public enum CorpusScanner {
    /// Why a corpus cannot be listed at all.
    public struct ScanError: Error, CustomStringConvertible {
        /// The corpus folder.
        public var path: String
        /// What is wrong.
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The files of the corpus at `root`, with warnings for what was skipped.
    public static func scan(_ root: URL) throws(ScanError) -> (files: [CorpusFile], warnings: [CorpusWarning]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw ScanError(path: root.path, reason: "no such corpus folder")
        }
        guard isDirectory.boolValue else {
            throw ScanError(path: root.path, reason: "not a folder (give the folder that holds the documents)")
        }
        var files: [CorpusFile] = []
        var warnings: [CorpusWarning] = []
        var walking: Set<String> = [root.resolvingSymlinksInPath().path]
        let rootPath = root.path.hasSuffix("/") && root.path.count > 1 ? String(root.path.dropLast()) : root.path
        walk(root, rootPath: rootPath, relative: "", walking: &walking, files: &files, warnings: &warnings)
        files.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        return (files, warnings)
    }

    private static func walk(_ directory: URL, rootPath: String, relative: String, walking: inout Set<String>,
                             files: inout [CorpusFile], warnings: inout [CorpusWarning]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            warnings.append(CorpusWarning(path: relative.isEmpty ? "." : relative, reason: "cannot list the folder"))
            return
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name)
            let path = relative.isEmpty ? name : relative + "/" + name
            var status = stat()
            guard stat(url.path, &status) == 0 else {
                let isLink = (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil
                warnings.append(CorpusWarning(path: path, reason: isLink ? "dangling symbolic link" : "vanished or unreadable"))
                continue
            }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                let real = url.resolvingSymlinksInPath().path
                if walking.contains(real) {
                    warnings.append(CorpusWarning(path: path, reason: "symbolic link loop (leads back to a folder above it); skipped"))
                    continue
                }
                walking.insert(real)
                walk(url, rootPath: rootPath, relative: path, walking: &walking, files: &files, warnings: &warnings)
                walking.remove(real)
            } else if (status.st_mode & S_IFMT) == S_IFREG, let kind = SourceDocument.Kind(path: name) {
                let modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
                files.append(CorpusFile(relativePath: path, root: rootPath, size: UInt64(status.st_size),
                                        modified: modified, kind: kind))
            }
        }
    }
}
