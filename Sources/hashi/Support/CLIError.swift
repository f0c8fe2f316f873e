import ArgumentParser

/// An error the CLI reports as one line on standard error, exiting non-zero.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
