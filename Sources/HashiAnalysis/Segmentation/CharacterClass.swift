import ICUFacade

/// The class of a character as the analyzer sees it (from ICU's script and category data).
enum CharacterClass: UInt8 {
    case other = 0, latin, digit, hiragana, katakana, han, letter

    /// Classes of every code unit of `text` (both halves of a surrogate pair get their code point's).
    static func classify(_ text: UnsafeBufferPointer<UInt16>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: text.count) { buffer, count in
            if let source = text.baseAddress, let destination = buffer.baseAddress {
                hashi_classify(source, Int32(text.count), destination)
                count = text.count
            } else {
                count = 0
            }
        }
    }

    /// Hiragana, katakana or kanji.
    static func isJapanese(_ raw: UInt8) -> Bool {
        raw == CharacterClass.hiragana.rawValue || raw == CharacterClass.katakana.rawValue
            || raw == CharacterClass.han.rawValue
    }

    /// Which run a character continues: a change of group is always a token boundary
    /// (0: punctuation and the like, which never starts a group of its own).
    static func group(_ raw: UInt8) -> UInt8 {
        switch raw {
        case CharacterClass.latin.rawValue, CharacterClass.digit.rawValue, CharacterClass.letter.rawValue: 1
        case CharacterClass.hiragana.rawValue, CharacterClass.han.rawValue: 2
        case CharacterClass.katakana.rawValue: 3
        default: 0
        }
    }
}
