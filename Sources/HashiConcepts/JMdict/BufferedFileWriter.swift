#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
private let systemClose = Glibc.close
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
private let systemClose = Darwin.close
#endif

/// Writes a new file through a fixed-size buffer, so writing many short lines costs few system calls
/// and memory stays constant.
final class BufferedFileWriter {
    /// The path, as given (named in errors).
    let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int

    /// Creates (or truncates) `path` for writing.
    /// - Throws: ``JMdictError/cannotWrite(file:message:)`` when it cannot be created.
    init(path: String, capacity: Int = 1 << 16) throws(JMdictError) {
        self.path = path
        self.capacity = capacity
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(file: path, message: String(cString: strerror(errno))) }
        buffer.reserveCapacity(capacity)
    }

    deinit {
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    /// Appends `text`'s UTF-8 bytes.
    func write(_ text: String) throws(JMdictError) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= capacity { try flush() }
    }

    /// Appends `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(JMdictError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    /// Writes the buffered bytes to the file.
    func flush() throws(JMdictError) {
        var written = 0
        while written < buffer.count {
            let result = buffer.withUnsafeBytes { bytes in
                systemWrite(descriptor, bytes.baseAddress.map { $0 + written }, bytes.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(file: path, message: String(cString: strerror(errno)))
            }
            written += result
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, optionally forces the bytes to disk, and closes the file.
    func close(synchronize: Bool = false) throws(JMdictError) {
        try flush()
        guard descriptor >= 0 else { return }
        if synchronize && fsync(descriptor) != 0 {
            throw .cannotWrite(file: path, message: String(cString: strerror(errno)))
        }
        let result = systemClose(descriptor)
        descriptor = -1
        if result != 0 { throw .cannotWrite(file: path, message: String(cString: strerror(errno))) }
    }
}
