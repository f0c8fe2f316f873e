/// What ``XMLScanner`` reports, in document order.
enum XMLEvent: Equatable, Sendable {
    /// The DOCTYPE declaration, once its internal subset (entity declarations) has been read.
    case doctype(rootName: String)
    /// A comment's text (between `<!--` and `-->`).
    case comment(String)
    /// A start tag; an empty-element tag (`<a/>`) is reported as `start` then `end`.
    case start(name: String, attributes: [XMLAttribute])
    /// An end tag.
    case end(name: String)
    /// Character data inside the root element, with the predefined entities and character references
    /// expanded (CDATA sections included). One run of text may come as several events.
    case text(String)
    /// A reference to an entity declared in the DOCTYPE (`&n;`), reported by name with its value,
    /// because JMdict codes (`pos`, `misc`, `ke_inf`, …) are entity names.
    case entity(name: String, value: String)
}
