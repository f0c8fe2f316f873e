/// Which of Hashi's two languages a text is mostly written in.
public enum TextLanguage: String, Sendable, Hashable, Codable {
    /// Japanese: at least a tenth of the letters are kana or kanji (Japanese technical writing
    /// carries much English in it).
    case japanese = "ja"
    /// Anything else.
    case english = "en"

    /// Guesses the language of `text` from its characters' scripts.
    public init(guessingFrom text: String) {
        let units = UTF16Conversion.codeUnits(of: text)
        let classes = units.withUnsafeBufferPointer { CharacterClass.classify($0) }
        var japanese = 0
        var letters = 0
        for raw in classes where raw != CharacterClass.other.rawValue && raw != CharacterClass.digit.rawValue {
            letters += 1
            if CharacterClass.isJapanese(raw) { japanese += 1 }
        }
        self = letters > 0 && japanese * 10 >= letters ? .japanese : .english
    }
}
