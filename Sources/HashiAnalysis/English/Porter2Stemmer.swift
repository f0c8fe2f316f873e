// Snowball English ("Porter2") stemmer, following the current algorithm definition
// (snowballstem/snowball algorithms/english.sbl, Snowball 3.x) step by step.
// Reference: https://snowballstem.org/algorithms/english/stemmer.html
//
// The stemmer works directly on UTF-8 bytes. Every letter the algorithm inspects is ASCII,
// so suffixes are matched byte-wise; wherever the algorithm counts or steps over *characters*
// (hop, next, non-vowel tests, the length check) whole UTF-8 sequences are skipped, so
// non-ASCII letters behave as single non-vowel characters, exactly like Snowball's UTF-8 mode.

/// The Snowball English ("Porter2") stemmer.
///
/// Input is expected to be lower-cased already. Apostrophes are handled as the Snowball
/// algorithm defines (a leading one is dropped, `'s`-style endings are removed); any other
/// non-ASCII or non-letter character is treated as a consonant. Words shorter than three
/// characters are returned unchanged. The stemmer is stateless and cheap to copy.
public struct Porter2Stemmer: Sendable {
    /// Creates a stemmer.
    public init() {}

    /// Returns the stem of `word`, which should already be lower-cased.
    ///
    /// Returns `word` itself when the algorithm leaves it unchanged.
    public func stem(_ word: String) -> String {
        if word.utf8.count <= 2 { return word }
        var source = word
        let stemmed: String? = source.withUTF8 { src in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: src.count) { buf in
                _ = buf.initialize(fromContentsOf: src)
                let len = Self.stemInPlace(buf)
                let out = UnsafeBufferPointer(rebasing: buf[..<len])
                if len == src.count && out.elementsEqual(src) { return nil }
                return String(decoding: out, as: UTF8.self)
            }
        }
        return stemmed ?? word
    }

    /// Returns the stem of a lower-cased word given as UTF-8 bytes, as UTF-8 bytes.
    ///
    /// Invalid UTF-8 does not trap; stray bytes are treated as non-vowel characters.
    public func stem(utf8 word: some Collection<UInt8>) -> [UInt8] {
        var bytes = Array(word)
        if bytes.count <= 2 { return bytes }
        let len = bytes.withUnsafeMutableBufferPointer { Self.stemInPlace($0) }
        bytes.removeSubrange(len...)
        return bytes
    }

    /// Stems the bytes in `buffer` in place and returns the new length.
    /// The algorithm never makes a word longer, so the buffer never needs to grow.
    static func stemInPlace(_ buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var w = Word(buffer)
        if w.exception1() { return w.n }
        if w.characterCount(atLeast: 3) == false { return w.n }
        w.prelude()
        w.markRegions()
        w.step1a()
        w.step1b()
        w.step1c()
        w.step2()
        w.step3()
        w.step4()
        w.step5()
        w.postlude()
        return w.n
    }
}

// ASCII byte constants used by the rules.
private let cA: UInt8 = 0x61, cB: UInt8 = 0x62, cC: UInt8 = 0x63, cD: UInt8 = 0x64
private let cE: UInt8 = 0x65, cF: UInt8 = 0x66, cG: UInt8 = 0x67, cH: UInt8 = 0x68
private let cI: UInt8 = 0x69, cK: UInt8 = 0x6B, cL: UInt8 = 0x6C, cM: UInt8 = 0x6D
private let cN: UInt8 = 0x6E, cO: UInt8 = 0x6F, cP: UInt8 = 0x70, cR: UInt8 = 0x72
private let cS: UInt8 = 0x73, cT: UInt8 = 0x74, cU: UInt8 = 0x75, cW: UInt8 = 0x77
private let cX: UInt8 = 0x78, cY: UInt8 = 0x79, cZ: UInt8 = 0x7A
private let cUpperY: UInt8 = 0x59, cApostrophe: UInt8 = 0x27

/// Snowball grouping `v`: a e i o u y (a marked `Y` is *not* a vowel).
@inline(__always) private func isVowel(_ c: UInt8) -> Bool {
    switch c {
    case cA, cE, cI, cO, cU, cY: return true
    default: return false
    }
}

/// Snowball `non-v_WXY` for a character whose last byte is `c`.
@inline(__always) private func isNonVowelWXY(_ c: UInt8) -> Bool {
    !isVowel(c) && c != cW && c != cX && c != cUpperY
}

/// Snowball grouping `valid_LI`: c d e g h k m n r t.
@inline(__always) private func isValidLI(_ c: UInt8) -> Bool {
    switch c {
    case cC, cD, cE, cG, cH, cK, cM, cN, cR, cT: return true
    default: return false
    }
}

@inline(__always) private func isContinuation(_ c: UInt8) -> Bool { c & 0xC0 == 0x80 }

/// The word being stemmed: bytes `p[0..<n]` plus the Snowball regions R1 (`p1`) and R2 (`p2`).
/// Positions are byte offsets; like Snowball's marks they are not adjusted when the end of the
/// word is rewritten, which is what the algorithm relies on.
private struct Word {
    let p: UnsafeMutableBufferPointer<UInt8>
    var n: Int
    var p1: Int
    var p2: Int
    var yFound = false

    init(_ p: UnsafeMutableBufferPointer<UInt8>) {
        self.p = p
        n = p.count
        p1 = n
        p2 = n
    }

    // MARK: Character-level helpers

    /// Start of the character that ends at byte offset `i` (`i > 0`).
    @inline(__always) func previousStart(_ i: Int) -> Int {
        var j = i - 1
        while j > 0 && isContinuation(p[j]) { j -= 1 }
        return j
    }

    /// End of the character that starts at byte offset `i` (`i < n`).
    @inline(__always) func nextEnd(_ i: Int) -> Int {
        var j = i + 1
        while j < n && isContinuation(p[j]) { j += 1 }
        return j
    }

    func characterCount(atLeast k: Int) -> Bool {
        var count = 0
        for i in 0..<n where !isContinuation(p[i]) {
            count += 1
            if count >= k { return true }
        }
        return false
    }

    /// Backward `non-v` from `i`: the position before that character, or nil.
    @inline(__always) func nonVowelBefore(_ i: Int) -> Int? {
        guard i > 0 else { return nil }
        let c = p[i - 1]
        if c < 0x80 && isVowel(c) { return nil }
        return previousStart(i)
    }

    /// Whether the bytes of `s` end exactly at offset `end`.
    @inline(__always) func matches(_ s: StaticString, endingAt end: Int) -> Bool {
        s.withUTF8Buffer { b in
            let start = end - b.count
            guard start >= 0 && end <= n else { return false }
            var i = 0
            while i < b.count {
                if p[start + i] != b[i] { return false }
                i += 1
            }
            return true
        }
    }

    @inline(__always) func ends(_ s: StaticString) -> Bool { matches(s, endingAt: n) }

    /// Whether the whole word equals `s`.
    @inline(__always) func isExactly(_ s: StaticString) -> Bool {
        s.utf8CodeUnitCount == n && matches(s, endingAt: n)
    }

    /// Replaces everything from `start` to the end of the word with `s`.
    @inline(__always) mutating func replaceTail(from start: Int, with s: StaticString) {
        s.withUTF8Buffer { b in
            // Never true for this algorithm's rules; guards the buffer anyway.
            guard start + b.count <= p.count else { return }
            for i in 0..<b.count { p[start + i] = b[i] }
            n = start + b.count
        }
    }

    /// Does the word contain a vowel before offset `end`? (Snowball `test gopast v`, backwards.)
    func hasVowel(before end: Int) -> Bool {
        var i = end
        while i > 0 {
            i -= 1
            if isVowel(p[i]) { return true }
        }
        return false
    }

    // MARK: Exceptions, prelude and regions

    /// Whole-word exceptions checked before anything else. Returns true if the word was one.
    mutating func exception1() -> Bool {
        guard n >= 3 && n <= 6 else { return false }
        switch p[0] {
        case cS:
            if isExactly("skis") { replaceTail(from: 0, with: "ski"); return true }
            if isExactly("skies") { replaceTail(from: 0, with: "sky"); return true }
            if isExactly("singly") { replaceTail(from: 0, with: "singl"); return true }
            return isExactly("sky")
        case cI:
            if isExactly("idly") { replaceTail(from: 0, with: "idl"); return true }
            return false
        case cG:
            if isExactly("gently") { replaceTail(from: 0, with: "gentl"); return true }
            return false
        case cU:
            if isExactly("ugly") { replaceTail(from: 0, with: "ugli"); return true }
            return false
        case cE:
            if isExactly("early") { replaceTail(from: 0, with: "earli"); return true }
            return false
        case cO:
            if isExactly("only") { replaceTail(from: 0, with: "onli"); return true }
            return false
        // Invariant forms (the last four are not plurals).
        case cN: return isExactly("news")
        case cH: return isExactly("howe")
        case cA: return isExactly("atlas") || isExactly("andes")
        case cC: return isExactly("cosmos")
        case cB: return isExactly("bias")
        default: return false
        }
    }

    /// Drops a leading apostrophe and marks consonant-y as `Y`.
    mutating func prelude() {
        if n > 0 && p[0] == cApostrophe {
            for i in 1..<n { p[i - 1] = p[i] }
            n -= 1
        }
        guard n > 0 else { return }
        if p[0] == cY {
            p[0] = cUpperY
            yFound = true
        }
        // Left to right, so "yy" after a vowel marks only the first (a marked Y is no vowel).
        var i = 1
        while i < n {
            if p[i] == cY && isVowel(p[i - 1]) {
                p[i] = cUpperY
                yFound = true
            }
            i += 1
        }
    }

    /// Forward `gopast v gopast non-v` from `i`; nil if it runs off the end.
    func pastVowelThenNonVowel(from i: Int) -> Int? {
        var j = i
        while j < n && !isVowel(p[j]) { j += 1 }
        guard j < n else { return nil }
        j += 1
        while j < n && isVowel(p[j]) { j += 1 }
        guard j < n else { return nil }
        return nextEnd(j)
    }

    mutating func markRegions() {
        p1 = n
        p2 = n
        // These prefixes would otherwise get a too-short R1 (generous, communism, arsenal, ...).
        let prefixes: Int
        if matches("gener", endingAt: 5) || matches("arsen", endingAt: 5)
            || matches("later", endingAt: 5) || matches("emerg", endingAt: 5)
            || matches("organ", endingAt: 5) || matches("inter", endingAt: 5)
        {
            prefixes = 5
        } else if matches("commun", endingAt: 6) {
            prefixes = 6
        } else if matches("univers", endingAt: 7) {
            prefixes = 7
        } else if matches("past", endingAt: 4) {
            prefixes = 4
        } else {
            prefixes = 0
        }
        if prefixes > 0 {
            p1 = prefixes
        } else {
            guard let r1 = pastVowelThenNonVowel(from: 0) else { return }
            p1 = r1
        }
        guard let r2 = pastVowelThenNonVowel(from: p1) else { return }
        p2 = r2
    }

    /// Snowball `shortv`, tested backwards from offset `i`.
    func endsInShortSyllable(at i: Int) -> Bool {
        if i > 0 && isNonVowelWXY(p[i - 1]) {
            let j = previousStart(i)
            if j > 0 && isVowel(p[j - 1]) && nonVowelBefore(j - 1) != nil { return true }
        }
        if let j = nonVowelBefore(i), j == 1 && isVowel(p[0]) { return true }
        return matches("past", endingAt: i)
    }

    // MARK: Steps

    mutating func step1a() {
        if ends("'s'") {
            n -= 3
        } else if ends("'s") {
            n -= 2
        } else if ends("'") {
            n -= 1
        }
        guard n > 0 else { return }
        if ends("sses") {
            n -= 2
        } else if ends("ied") || ends("ies") {
            // "ties" -> "tie" but "cries" -> "cri": two characters must precede the ending.
            let start = n - 3
            var j = start
            var hops = 0
            while hops < 2 && j > 0 {
                j = previousStart(j)
                hops += 1
            }
            replaceTail(from: start, with: hops == 2 ? "i" : "ie")
        } else if ends("us") || ends("ss") {
            return
        } else if p[n - 1] == cS {
            // Delete the s if a vowel occurs before the character preceding it ("gas" stays).
            let start = n - 1
            guard start > 0 else { return }
            if hasVowel(before: previousStart(start)) { n = start }
        }
    }

    mutating func step1b() {
        let start: Int
        if ends("eedly") || ends("eed") {
            let s = ends("eedly") ? n - 5 : n - 3
            // proceed / exceed / succeed keep their ending.
            if (s == 4 && matches("proc", endingAt: 4)) || (s == 3 && matches("exc", endingAt: 3))
                || (s == 4 && matches("succ", endingAt: 4))
            {
                return
            }
            if s >= p1 { replaceTail(from: s, with: "ee") }
            return
        } else if ends("ingly") {
            start = n - 5
        } else if ends("edly") {
            start = n - 4
        } else if ends("ing") {
            start = n - 3
            // dying -> die, vying -> vie: "Cying" with a single leading consonant.
            if start > 0 && p[start - 1] == cY {
                if let j = nonVowelBefore(start - 1), j == 0 {
                    replaceTail(from: start - 1, with: "ie")
                    return
                }
            } else {
                let stem = start
                if (stem == 3 && matches("inn", endingAt: 3)) || (stem == 3 && matches("out", endingAt: 3))
                    || (stem == 4 && matches("cann", endingAt: 4)) || (stem == 4 && matches("herr", endingAt: 4))
                    || (stem == 4 && matches("earr", endingAt: 4)) || (stem == 4 && matches("even", endingAt: 4))
                {
                    return
                }
            }
        } else if ends("ed") {
            start = n - 2
        } else {
            return
        }

        guard hasVowel(before: start) else { return }
        n = start
        guard n >= 2 else {
            if n == p1 && endsInShortSyllable(at: n) { replaceTail(from: n, with: "e") }
            return
        }
        let a = p[n - 2], b = p[n - 1]
        if (a == cA && b == cT) || (a == cB && b == cL) || (a == cI && b == cZ) {
            replaceTail(from: n, with: "e")
        } else if a == b && (a == cB || a == cD || a == cF || a == cG || a == cM || a == cN || a == cP || a == cR || a == cT) {
            // "add", "egg", "off" etc. keep the double letter.
            if !(n == 3 && (p[0] == cA || p[0] == cE || p[0] == cO)) { n -= 1 }
        } else if n == p1 && endsInShortSyllable(at: n) {
            replaceTail(from: n, with: "e")
        }
    }

    mutating func step1c() {
        guard n > 0 else { return }
        let last = p[n - 1]
        guard last == cY || last == cUpperY else { return }
        if let j = nonVowelBefore(n - 1), j > 0 { p[n - 1] = cI }
    }

    mutating func step2() {
        guard n >= 2 else { return }
        // Longest matching suffix first; if it is outside R1 nothing happens.
        switch p[n - 1] {
        case cL:
            if ends("ational") { r1Replace(7, "ate") } else if ends("tional") { r1Replace(6, "tion") }
        case cN:
            if ends("ization") { r1Replace(7, "ize") } else if ends("ation") { r1Replace(5, "ate") }
        case cR:
            if ends("izer") { r1Replace(4, "ize") } else if ends("ator") { r1Replace(4, "ate") }
        case cM:
            if ends("alism") { r1Replace(5, "al") }
        case cS:
            if ends("fulness") {
                r1Replace(7, "ful")
            } else if ends("ousness") {
                r1Replace(7, "ous")
            } else if ends("iveness") {
                r1Replace(7, "ive")
            }
        case cT:
            if ends("ogist") { r1Replace(5, "og") }
        case cI:
            switch p[n - 2] {
            case cC:
                if ends("enci") { r1Replace(4, "ence") } else if ends("anci") { r1Replace(4, "ance") }
            case cT:
                if ends("biliti") {
                    r1Replace(6, "ble")
                } else if ends("aliti") {
                    r1Replace(5, "al")
                } else if ends("iviti") {
                    r1Replace(5, "ive")
                }
            case cG:
                if ends("ogi") && n - 3 >= p1 && n >= 4 && p[n - 4] == cL { replaceTail(from: n - 3, with: "og") }
            case cL:
                if ends("lessli") {
                    r1Replace(6, "less")
                } else if ends("entli") {
                    r1Replace(5, "ent")
                } else if ends("ousli") {
                    r1Replace(5, "ous")
                } else if ends("fulli") {
                    r1Replace(5, "ful")
                } else if ends("abli") {
                    r1Replace(4, "able")
                } else if ends("alli") {
                    r1Replace(4, "al")
                } else if ends("bli") {
                    r1Replace(3, "ble")
                } else if n - 2 >= p1 && n >= 3 && isValidLI(p[n - 3]) {
                    n -= 2
                }
            default:
                break
            }
        default:
            break
        }
    }

    mutating func step3() {
        guard n >= 3 else { return }
        switch p[n - 1] {
        case cL:
            if ends("ational") {
                r1Replace(7, "ate")
            } else if ends("tional") {
                r1Replace(6, "tion")
            } else if ends("ical") {
                r1Replace(4, "ic")
            } else if ends("ful") {
                r1Replace(3, "")
            }
        case cE:
            if ends("alize") {
                r1Replace(5, "al")
            } else if ends("icate") {
                r1Replace(5, "ic")
            } else if ends("ative") {
                if n - 5 >= p1 && n - 5 >= p2 { n -= 5 }
            }
        case cI:
            if ends("iciti") { r1Replace(5, "ic") }
        case cS:
            if ends("ness") { r1Replace(4, "") }
        default:
            break
        }
    }

    mutating func step4() {
        guard n >= 2 else { return }
        let len: Int
        switch p[n - 1] {
        case cL:
            len = ends("al") ? 2 : 0
        case cE:
            if ends("ance") || ends("ence") || ends("able") || ends("ible") {
                len = 4
            } else if ends("ate") || ends("ive") || ends("ize") {
                len = 3
            } else {
                len = 0
            }
        case cR:
            len = ends("er") ? 2 : 0
        case cC:
            len = ends("ic") ? 2 : 0
        case cT:
            if ends("ement") {
                len = 5
            } else if ends("ment") {
                len = 4
            } else if ends("ent") || ends("ant") {
                len = 3
            } else {
                len = 0
            }
        case cM:
            len = ends("ism") ? 3 : 0
        case cI:
            len = ends("iti") ? 3 : 0
        case cS:
            len = ends("ous") ? 3 : 0
        case cN:
            // -ion only after s or t.
            if ends("ion") && n - 3 >= p2 && n >= 4 && (p[n - 4] == cS || p[n - 4] == cT) { n -= 3 }
            return
        default:
            return
        }
        if len > 0 && n - len >= p2 { n -= len }
    }

    mutating func step5() {
        guard n > 0 else { return }
        let start = n - 1
        if p[start] == cE {
            if start >= p2 || (start >= p1 && !endsInShortSyllable(at: start)) { n = start }
        } else if p[start] == cL {
            if start >= p2 && start > 0 && p[start - 1] == cL { n = start }
        }
    }

    mutating func postlude() {
        guard yFound else { return }
        for i in 0..<n where p[i] == cUpperY { p[i] = cY }
    }

    /// Replaces a suffix of length `len` with `s` if the suffix lies in R1.
    @inline(__always) mutating func r1Replace(_ len: Int, _ s: StaticString) {
        let start = n - len
        if start >= p1 { replaceTail(from: start, with: s) }
    }
}
