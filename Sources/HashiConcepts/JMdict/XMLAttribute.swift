/// One attribute of a start tag, its value with references expanded.
struct XMLAttribute: Equatable, Sendable {
    /// The attribute's name as written (`xml:lang`).
    var name: String
    /// The value, with character and entity references expanded.
    var value: String
}
