import Foundation
import HashiAnalysis

/// Reads and decodes a text file for a command, with errors that name the file.
enum FileInput {
    static func readText(at path: String) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIError("\(path): cannot read the file (\(error.localizedDescription))")
        }
        return try TextDecoder.decode([UInt8](data), source: path).text
    }
}
