/// The readable text of an HTML document, with a map back to the HTML source.
///
/// Tags are dropped (block-level ones become paragraph breaks, `<br>` a line break), `script`,
/// `style`, comments and declarations are dropped with their contents, character references are
/// decoded, and runs of white space fold to one space as a browser shows them (except in `<pre>`).
public struct HTMLText: Sendable {
    /// The extracted text as UTF-16 code units.
    public let units: [UInt16]
    /// `origin[k]`: the UTF-16 offset in the HTML source of the character that produced `units[k]`;
    /// `origin[units.count]` is the source length.
    public let origin: [Int32]

    private static let blockTags: Set<String> = [
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
        "td", "th", "thead", "tbody", "section", "article", "header", "footer", "nav", "aside", "main",
        "blockquote", "pre", "hr", "title", "figure", "figcaption", "form", "address", "caption", "body", "html",
        "head",
    ]
    private static let droppedElements: Set<String> = ["script", "style", "noscript", "template", "svg"]

    /// Extracts the text of the HTML source `html` (UTF-16 code units).
    public init(html: [UInt16]) {
        var builder = Builder()
        let n = html.count
        var i = 0
        var preformatted = 0
        while i < n {
            let unit = html[i]
            if unit == 0x3C /* < */ {
                if Self.startsWith(html, i, "<!--") {
                    i = Self.find(html, from: i + 4, "-->").map { $0 + 3 } ?? n
                    continue
                }
                if i + 1 < n && (html[i + 1] == 0x21 || html[i + 1] == 0x3F) { // <! or <?
                    i = Self.find(html, from: i + 1, ">").map { $0 + 1 } ?? n
                    continue
                }
                guard let tag = Self.tag(html, at: i) else {
                    builder.append(unit, origin: i, preformatted: preformatted > 0)
                    i += 1
                    continue
                }
                if Self.droppedElements.contains(tag.name) && !tag.isClosing {
                    i = Self.find(html, from: tag.end, "</" + tag.name, caseInsensitive: true)
                        .flatMap { Self.find(html, from: $0, ">") }.map { $0 + 1 } ?? n
                    continue
                }
                if tag.name == "pre" { preformatted += tag.isClosing ? (preformatted > 0 ? -1 : 0) : 1 }
                if tag.name == "br" {
                    builder.lineBreak(origin: i)
                } else if Self.blockTags.contains(tag.name) {
                    builder.paragraphBreak(origin: i)
                }
                i = tag.end
                continue
            }
            if unit == 0x26 /* & */, let (scalars, end) = CharacterReference.decode(html, at: i) {
                for scalar in scalars {
                    for u in String(scalar).utf16 { builder.append(u, origin: i, preformatted: preformatted > 0) }
                }
                i = end
                continue
            }
            builder.append(unit, origin: i, preformatted: preformatted > 0)
            i += 1
        }
        builder.finish(sourceLength: n)
        units = builder.units
        origin = builder.origin
    }

    /// Collects output, folding white space.
    private struct Builder {
        var units: [UInt16] = []
        var origin: [Int32] = []
        /// 0: text or start; 1: a space is pending; 2: a line break; 3: a paragraph break.
        var pendingBreak = 0
        var pendingOrigin = 0

        mutating func append(_ unit: UInt16, origin source: Int, preformatted: Bool) {
            let isSpace = unit == 0x20 || unit == 0x09 || unit == 0x0A || unit == 0x0D || unit == 0x0C
            if isSpace && !preformatted {
                if pendingBreak == 0 && !units.isEmpty { pendingBreak = 1; pendingOrigin = source }
                return
            }
            flushBreak()
            units.append(unit)
            origin.append(Int32(source))
        }

        mutating func lineBreak(origin source: Int) {
            if pendingBreak < 2 && !units.isEmpty { pendingBreak = 2; pendingOrigin = source }
        }

        mutating func paragraphBreak(origin source: Int) {
            if pendingBreak < 3 && !units.isEmpty { pendingBreak = 3; pendingOrigin = source }
        }

        mutating func flushBreak() {
            switch pendingBreak {
            case 1: emit([0x20])
            case 2: emit([0x0A])
            case 3: emit([0x0A, 0x0A])
            default: break
            }
            pendingBreak = 0
        }

        private mutating func emit(_ separator: [UInt16]) {
            for unit in separator {
                units.append(unit)
                origin.append(Int32(pendingOrigin))
            }
        }

        mutating func finish(sourceLength: Int) {
            origin.append(Int32(sourceLength))
        }
    }

    struct Tag {
        var name: String
        var isClosing: Bool
        var end: Int
    }

    /// The tag starting at `i` (a `<`), or nil if what follows is not a tag (a lone `<` in text).
    static func tag(_ html: [UInt16], at i: Int) -> Tag? {
        var k = i + 1
        var closing = false
        if k < html.count && html[k] == 0x2F { closing = true; k += 1 }
        // A tag name starts with a letter; `x<3`, `a <- b` are text.
        guard k < html.count, isLetter(html[k]) else { return nil }
        let nameStart = k
        while k < html.count && isNameUnit(html[k]) { k += 1 }
        guard k > nameStart else { return nil }
        let name = String(decoding: html[nameStart..<k], as: UTF16.self).lowercased()
        // Skip attributes, honouring quotes (a `>` inside a quoted value does not end the tag).
        var quote: UInt16 = 0
        while k < html.count {
            let unit = html[k]
            if quote != 0 {
                if unit == quote { quote = 0 }
            } else if unit == 0x22 || unit == 0x27 {
                quote = unit
            } else if unit == 0x3E {
                return Tag(name: name, isClosing: closing, end: k + 1)
            }
            k += 1
        }
        return Tag(name: name, isClosing: closing, end: html.count)
    }

    static func isLetter(_ unit: UInt16) -> Bool {
        (unit >= 0x61 && unit <= 0x7A) || (unit >= 0x41 && unit <= 0x5A)
    }

    /// ASCII letters, digits and `-`: what tag names are made of.
    static func isNameUnit(_ unit: UInt16) -> Bool {
        (unit >= 0x61 && unit <= 0x7A) || (unit >= 0x41 && unit <= 0x5A) || (unit >= 0x30 && unit <= 0x39) || unit == 0x2D
    }

    static func startsWith(_ html: [UInt16], _ i: Int, _ prefix: String) -> Bool {
        let p = Array(prefix.utf16)
        return i + p.count <= html.count && Array(html[i..<(i + p.count)]) == p
    }

    /// The offset of the first occurrence of `needle` at or after `from`.
    static func find(_ html: [UInt16], from: Int, _ needle: String, caseInsensitive: Bool = false) -> Int? {
        let p = Array(needle.lowercased().utf16)
        guard !p.isEmpty, from + p.count <= html.count else { return nil }
        var k = from
        while k + p.count <= html.count {
            var matched = true
            for j in 0..<p.count {
                var unit = html[k + j]
                if caseInsensitive && unit >= 0x41 && unit <= 0x5A { unit += 32 }
                if unit != p[j] { matched = false; break }
            }
            if matched { return k }
            k += 1
        }
        return nil
    }
}
