import Foundation
import Hashi

/// Shows build progress on standard error: a redrawn bar on a terminal, plain lines otherwise.
final class ProgressDisplay {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastPrinted = -1.0
    private let quiet: Bool

    init(quiet: Bool) { self.quiet = quiet }

    func show(_ progress: BuildProgress) {
        guard !quiet else { return }
        let megabytes = Double(progress.bytesDone) / 1_000_000
        let speed = progress.elapsed > 0 ? megabytes / progress.elapsed : 0
        let remaining = speed > 0 ? Double(progress.bytesTotal - progress.bytesDone) / 1_000_000 / speed : 0
        let fraction = progress.bytesTotal > 0 ? Double(progress.bytesDone) / Double(progress.bytesTotal) : 1
        let figures = String(format: "%d/%d files  %.1f MB  %.1f MB/s  ETA %.0f s", progress.filesDone,
                             progress.filesTotal, megabytes, speed, remaining)
        if isTerminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\(bar) \(figures)\u{1B}[K".utf8))
            if progress.filesDone == progress.filesTotal { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if progress.elapsed - lastPrinted >= 1 || progress.filesDone == progress.filesTotal {
            lastPrinted = progress.elapsed
            FileHandle.standardError.write(Data("indexing: \(figures)\n".utf8))
        }
    }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
