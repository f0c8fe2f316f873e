#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// A file read in chunks through its descriptor, closed when the source goes away.
final class FileChunkSource: ByteChunkSource {
    /// The path, as given (named in errors).
    let path: String
    private let descriptor: Int32
    private(set) var consumedBytes = 0

    /// Opens `path` for reading.
    /// - Throws: ``JMdictError/cannotRead(file:message:)`` when it cannot be opened or is a folder.
    init(path: String) throws(JMdictError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotRead(file: path, message: String(cString: strerror(errno))) }
        var status = stat()
        if fstat(fd, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .cannotRead(file: path, message: "it is a folder")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// The size of the file in bytes (0 when the system cannot tell).
    var size: Int {
        var status = stat()
        return fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
    }

    /// The first `count` bytes of the file (fewer when it is shorter), read without moving the
    /// position `read(into:)` continues from.
    func peek(_ count: Int) throws(JMdictError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, 0) }
        guard got >= 0 else { throw .cannotRead(file: path, message: String(cString: strerror(errno))) }
        return Array(bytes.prefix(got))
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(JMdictError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let got = systemRead(descriptor, base, buffer.count)
            if got >= 0 {
                consumedBytes += got
                return got
            }
            if errno != EINTR { throw .cannotRead(file: path, message: String(cString: strerror(errno))) }
        }
    }
}
