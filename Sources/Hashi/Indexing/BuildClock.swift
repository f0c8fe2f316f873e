import Dispatch

/// Seconds since a build started (monotonic).
struct BuildClock {
    private let start = DispatchTime.now().uptimeNanoseconds

    /// Seconds since the clock was made.
    func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}
