import ICUFacade

/// A failure reported by the system ICU library.
public struct ICUError: Error, Sendable, CustomStringConvertible {
    /// ICU's error code (a `UErrorCode` value).
    public let code: Int32
    /// What Hashi was doing when ICU failed.
    public let operation: String

    /// ICU's name for the error, e.g. `U_MEMORY_ALLOCATION_ERROR`.
    public var name: String { String(cString: hashi_icu_error_name(code)) }

    public var description: String {
        "ICU failed while \(operation): \(name) (is libicu-dev installed and working?)"
    }

    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(ICUError) {
        if code > 0 { throw ICUError(code: code, operation: operation()) }
    }
}

/// Facts about the ICU library Hashi is linked against.
public enum ICU {
    /// The linked ICU version, e.g. `"72.1"`. Recorded in the analyzer version: segmentation and
    /// normalization data change between ICU releases.
    public static var version: String { String(cString: hashi_icu_version()) }
}

/// Runs an ICU call that fills a caller-provided buffer, growing the buffer until it fits.
@inline(__always)
func withGrowingBuffer<Element: BinaryInteger>(
    of type: Element.Type,
    initialCapacity: Int,
    operation: String,
    _ fill: (UnsafeMutablePointer<Element>, Int32, inout Int32) -> Int32
) throws(ICUError) -> [Element] {
    var capacity = max(initialCapacity, 16)
    while true {
        var error: Int32 = 0
        var produced: Int32 = 0
        let buffer = [Element](unsafeUninitializedCapacity: capacity) { pointer, count in
            count = 0
            guard let base = pointer.baseAddress else { return }
            produced = fill(base, Int32(capacity), &error)
            if error <= 0 { count = Int(produced) }
        }
        if error == HASHI_ICU_BUFFER_OVERFLOW {
            capacity = max(Int(produced), capacity * 2)
            continue
        }
        try ICUError.check(error, operation)
        return buffer
    }
}
