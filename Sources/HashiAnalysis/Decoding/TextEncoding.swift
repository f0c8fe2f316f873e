/// The encodings Hashi reads.
public enum TextEncoding: String, Sendable, Hashable, Codable, CaseIterable {
    /// UTF-8, with or without a byte order mark.
    case utf8 = "UTF-8"
    /// UTF-16 little-endian, recognised by its byte order mark.
    case utf16LittleEndian = "UTF-16LE"
    /// UTF-16 big-endian, recognised by its byte order mark.
    case utf16BigEndian = "UTF-16BE"
    /// Shift_JIS as Windows writes it (CP932, with NEC and IBM extensions).
    case shiftJIS = "Shift_JIS"
    /// EUC-JP.
    case eucJP = "EUC-JP"
    /// ISO-2022-JP (7-bit, with escape sequences).
    case iso2022JP = "ISO-2022-JP"

    /// The ICU converter that decodes this encoding.
    var converterName: String {
        switch self {
        case .utf8: "UTF-8"
        case .utf16LittleEndian: "UTF-16LE"
        case .utf16BigEndian: "UTF-16BE"
        case .shiftJIS: "windows-31j"
        case .eucJP: "EUC-JP"
        case .iso2022JP: "ISO-2022-JP"
        }
    }

    /// The encoding ICU's charset detector reports as `name`, if Hashi reads it.
    init?(detectorName name: String) {
        switch name {
        case "UTF-8": self = .utf8
        case "Shift_JIS": self = .shiftJIS
        case "EUC-JP": self = .eucJP
        case "ISO-2022-JP": self = .iso2022JP
        case "UTF-16LE": self = .utf16LittleEndian
        case "UTF-16BE": self = .utf16BigEndian
        default: return nil
        }
    }
}
