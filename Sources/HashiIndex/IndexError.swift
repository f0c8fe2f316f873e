/// The single error type of `HashiIndex`.
///
/// Every message names the file concerned (and, for damaged files, the byte
/// offset) and says what the user can do about it.
public enum IndexError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A file is damaged: bad magic, checksum mismatch, truncated, or a structure
    /// inside it points out of bounds. `offset` is the byte offset in `file`.
    case corrupted(file: String, offset: Int, reason: String)
    /// The file was written by a different index format version.
    case versionMismatch(file: String, found: UInt32, supported: UInt32)
    /// A file the index needs does not exist.
    case missingFile(file: String)
    /// A system call failed (`errno` is the C error number).
    case io(file: String, operation: String, errno: Int32)
    /// Another live process holds the write lock. `pid` is nil when the lock
    /// file does not (yet) hold a readable PID.
    case locked(pid: Int32?, file: String)
    /// The directory holds no committed index (no `MANIFEST`).
    case noIndex(directory: String)
    /// The caller passed something the index cannot store (e.g. passages of one
    /// document that are not contiguous).
    case invalidInput(String)

    /// A human-readable message that names the file and says what to do.
    public var description: String {
        switch self {
        case let .corrupted(file, offset, reason):
            return "\(file): corrupted at byte \(offset): \(reason); run `hashi index --full` to rebuild the index"
        case let .versionMismatch(file, found, supported):
            return "\(file): index format \(found), this hashi reads \(supported): run `hashi index --full`"
        case let .missingFile(file):
            return "\(file): file is missing; run `hashi index --full` to rebuild the index"
        case let .io(file, operation, errno):
            return "\(file): \(operation) failed: \(IndexError.errnoText(errno)) (errno \(errno)); check permissions and free disk space, then retry"
        case let .locked(pid, file):
            if let pid {
                return "index is being built by PID \(pid) (lock file \(file)); wait for it to finish, or remove the lock file if that process is not hashi"
            }
            return "index is being built by another process (lock file \(file) has no PID yet); retry in a moment, or remove the lock file if no build is running"
        case let .noIndex(directory):
            return "\(directory): no index found (no MANIFEST); run `hashi index --full` to build one"
        case let .invalidInput(message):
            return "invalid index input: \(message)"
        }
    }

    static func errnoText(_ code: Int32) -> String {
        guard let cString = strerror(code) else { return "unknown error" }
        return String(cString: cString)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
