import Foundation
import HashiConcepts
import HashiIndex

/// Source tags of `concepts.map` version 3 (`Index/FORMAT.md`).
enum ConceptSourceTag: UInt8 {
    case dictionary = 0, mined = 1, background = 2, imported = 3
    /// The same source as the member before it in the concept (members of a background group share one).
    case previous = 4
    /// A background source whose entry is 1–18 decimal digits: stored as their count and value.
    case numberedBackground = 5
}

/// How a member's text is stored (bits 5–6 of its header byte).
enum ConceptTextMode: UInt8 {
    /// The key's terms joined without separator (`政府専門家会合`, `gge` written `gge`).
    case joined = 0
    /// The key's terms joined by single spaces (`due diligence`).
    case spaced = 1
    /// A string of its own, in the texts stream.
    case explicit = 2
}

/// The five streams of a version 3 table's concepts, written member by member.
struct ConceptStreams {
    /// Member counts, and per member its header byte and confidence number.
    var members: [UInt8] = []
    /// The string numbers of texts stored explicitly.
    var texts: [UInt8] = []
    /// Key terms (the first as a difference from the previous member's) and differing stems.
    var keys: [UInt8] = []
    /// Source tags and their fields.
    var sources: [UInt8] = []
    /// Form bytes and their fields.
    var forms: [UInt8] = []

    /// The streams in file order.
    var all: [[UInt8]] { [members, texts, keys, sources, forms] }

    /// Appends `concepts`, numbering strings and confidences with `numbering`.
    mutating func append(_ concepts: [Concept], numbering: inout ConceptNumbering) {
        for concept in concepts {
            Varint.append(UInt64(concept.members.count), to: &members)
            var previousFirst: UInt64 = 0
            var previousSource: ConceptSource? = nil
            for member in concept.members {
                let mode = Self.textMode(of: member)
                let kind = UInt8(MemberKind.allCases.firstIndex(of: member.kind) ?? 0)
                let role = UInt8(ConceptMember.Role.allCases.firstIndex(of: member.role) ?? 0)
                let stemsDiffer = member.stems != member.key
                members.append(kind | role << 3 | mode.rawValue << 5 | (stemsDiffer ? 0x80 : 0))
                Varint.append(numbering.number(ofConfidence: member.confidence), to: &members)
                if mode == .explicit { Varint.append(numbering.number(of: member.text), to: &texts) }

                Varint.append(UInt64(member.key.terms.count), to: &keys)
                for (k, term) in member.key.terms.enumerated() {
                    let number = numbering.number(of: term)
                    if k == 0 {
                        Varint.append(Self.zigzag(Int64(bitPattern: number &- previousFirst)), to: &keys)
                        previousFirst = number
                    } else {
                        Varint.append(number, to: &keys)
                    }
                }
                if stemsDiffer {
                    Varint.append(UInt64(member.stems.terms.count), to: &keys)
                    for term in member.stems.terms { Varint.append(numbering.number(of: term), to: &keys) }
                }

                appendSource(member.source, after: previousSource, numbering: &numbering)
                previousSource = member.source

                if let form = member.form {
                    let relation = UInt8(MemberForm.Relation.allCases.firstIndex(of: form.relation) ?? 0)
                    let abbreviation = UInt8(MemberForm.Abbreviation.allCases.firstIndex(of: form.abbreviation) ?? 0)
                    let spelling = UInt8(MemberForm.Spelling.allCases.firstIndex(of: form.spelling) ?? 0)
                    forms.append(1 + relation * 12 + abbreviation * 4 + spelling)
                    Varint.append(UInt64(form.lexemes.count), to: &forms)
                    for lexeme in form.lexemes { Varint.append(UInt64(max(lexeme, 0)), to: &forms) }
                    Varint.append(form.domain.map { numbering.number(of: $0) + 1 } ?? 0, to: &forms)
                } else {
                    forms.append(0)
                }
            }
        }
    }

    private mutating func appendSource(_ source: ConceptSource, after previous: ConceptSource?,
                                       numbering: inout ConceptNumbering) {
        if let previous, Self.identical(source, previous) {
            sources.append(ConceptSourceTag.previous.rawValue)
            return
        }
        switch source {
        case let .dictionary(file, line):
            sources.append(ConceptSourceTag.dictionary.rawValue)
            Varint.append(numbering.number(of: file), to: &sources)
            Varint.append(UInt64(max(line, 0)), to: &sources)
        case let .mined(document, line):
            sources.append(ConceptSourceTag.mined.rawValue)
            Varint.append(numbering.number(of: document), to: &sources)
            Varint.append(UInt64(max(line, 0)), to: &sources)
        case let .background(name, entry):
            if let value = Self.decimalValue(entry) {
                sources.append(ConceptSourceTag.numberedBackground.rawValue)
                Varint.append(numbering.number(of: name), to: &sources)
                Varint.append(UInt64(entry.utf8.count), to: &sources)
                Varint.append(value, to: &sources)
            } else {
                sources.append(ConceptSourceTag.background.rawValue)
                Varint.append(numbering.number(of: name), to: &sources)
                Varint.append(numbering.number(of: entry), to: &sources)
            }
        case let .imported(name, file, line):
            sources.append(ConceptSourceTag.imported.rawValue)
            Varint.append(numbering.number(of: name), to: &sources)
            Varint.append(numbering.number(of: file), to: &sources)
            Varint.append(UInt64(max(line, 0)), to: &sources)
        }
    }

    /// Whether two sources are the same byte for byte (`==` on strings is canonical equivalence).
    static func identical(_ a: ConceptSource, _ b: ConceptSource) -> Bool {
        func same(_ x: String, _ y: String) -> Bool { x.utf8.elementsEqual(y.utf8) }
        switch (a, b) {
        case let (.dictionary(f1, l1), .dictionary(f2, l2)), let (.mined(f1, l1), .mined(f2, l2)):
            return l1 == l2 && same(f1, f2)
        case let (.background(n1, e1), .background(n2, e2)):
            return same(n1, n2) && same(e1, e2)
        case let (.imported(n1, f1, l1), .imported(n2, f2, l2)):
            return l1 == l2 && same(n1, n2) && same(f1, f2)
        default:
            return false
        }
    }

    /// How `member`'s text is stored: derived from its key when the bytes match exactly.
    static func textMode(of member: ConceptMember) -> ConceptTextMode {
        var text = member.text
        return text.withUTF8 { bytes in
            if spells(bytes, member.key.terms, separator: nil) { return .joined }
            if spells(bytes, member.key.terms, separator: UInt8(ascii: " ")) { return .spaced }
            return .explicit
        }
    }

    /// Whether `bytes` are `terms` joined by `separator` (or without one), byte for byte: what
    /// comparing with `terms.joined(…)` says, without making the joined string.
    static func spells(_ bytes: UnsafeBufferPointer<UInt8>, _ terms: [String], separator: UInt8?) -> Bool {
        var at = 0
        for (k, term) in terms.enumerated() {
            if k > 0, let separator {
                guard at < bytes.count, bytes[at] == separator else { return false }
                at += 1
            }
            for b in term.utf8 {
                guard at < bytes.count, bytes[at] == b else { return false }
                at += 1
            }
        }
        return at == bytes.count
    }

    /// The value of an entry of 1–18 ASCII digits (leading zeros allowed: the count keeps them);
    /// nil for anything else.
    static func decimalValue(_ entry: String) -> UInt64? {
        let digits = entry.utf8
        guard (1...18).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + UInt64($1 - 0x30) }
    }

    /// Zigzag mapping: small differences of either sign become small numbers.
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// The inverse of ``zigzag(_:)``.
    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
