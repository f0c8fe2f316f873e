/// A 64-bit hash of a file's bytes (FNV-1a), to tell whether a file changed since the last build.
public enum ContentHash {
    /// The hash of `bytes`.
    public static func of(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        return hash
    }
}
