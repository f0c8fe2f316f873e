import Foundation

/// The document files of a corpus folder: every `.txt`, `.md`, `.html` and `.htm` below it,
/// in a stable order (sorted by relative path).
enum CorpusFiles {
    static let extensions: Set<String> = ["txt", "md", "html", "htm"]

    static func list(in directory: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("\(directory): no such corpus folder")
        }
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw CLIError("\(directory): cannot list the folder")
        }
        var paths: [String] = []
        for case let url as URL in walker where extensions.contains(url.pathExtension.lowercased()) {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                paths.append(url.path)
            }
        }
        return paths.sorted()
    }
}
