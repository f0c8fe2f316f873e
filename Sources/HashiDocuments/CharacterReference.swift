/// HTML character references: `&amp;`, `&#38;`, `&#x26;` and the common named ones.
enum CharacterReference {
    static let named: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}", "copy": "©",
        "reg": "®", "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’",
        "ldquo": "“", "rdquo": "”", "middot": "·", "yen": "¥", "times": "×", "divide": "÷", "deg": "°",
        "laquo": "«", "raquo": "»", "bull": "•", "sect": "§", "para": "¶", "euro": "€", "pound": "£",
        "shy": "\u{00AD}", "ensp": "\u{2002}", "emsp": "\u{2003}", "thinsp": "\u{2009}", "zwnj": "\u{200C}",
        "zwj": "\u{200D}", "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓", "minus": "−",
    ]

    /// Decodes the reference starting at `i` (an `&`): its scalars and the offset after it, or nil if
    /// there is no well-formed reference there (the `&` is then ordinary text).
    static func decode(_ html: [UInt16], at i: Int) -> ([Unicode.Scalar], Int)? {
        var k = i + 1
        let limit = min(html.count, i + 40)
        if k < limit && html[k] == 0x23 { // #
            k += 1
            var radix: UInt32 = 10
            if k < limit && (html[k] == 0x78 || html[k] == 0x58) { radix = 16; k += 1 }
            var value: UInt32 = 0
            let digitsStart = k
            while k < limit, let digit = Self.digit(html[k], radix: radix) {
                value = value &* radix &+ digit
                if value > 0x10FFFF { return nil }
                k += 1
            }
            guard k > digitsStart else { return nil }
            if k < html.count && html[k] == 0x3B { k += 1 }
            // Invalid code points (NUL, surrogates) become U+FFFD as browsers do.
            let scalar = value == 0 ? nil : Unicode.Scalar(value)
            return ([scalar ?? "\u{FFFD}"], k)
        }
        let nameStart = k
        while k < limit && HTMLText.isNameUnit(html[k]) && html[k] != 0x2D { k += 1 }
        guard k > nameStart, k < html.count, html[k] == 0x3B else { return nil }
        let name = String(decoding: html[nameStart..<k], as: UTF16.self)
        guard let scalar = named[name] else { return nil }
        return ([scalar], k + 1)
    }

    private static func digit(_ unit: UInt16, radix: UInt32) -> UInt32? {
        switch unit {
        case 0x30...0x39: return UInt32(unit - 0x30)
        case 0x61...0x66 where radix == 16: return UInt32(unit - 0x61 + 10)
        case 0x41...0x46 where radix == 16: return UInt32(unit - 0x41 + 10)
        default: return nil
        }
    }
}
