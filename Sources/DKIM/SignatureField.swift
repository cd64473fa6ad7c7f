// SignatureField: writes the DKIM-Signature header field, folded at tag boundaries and within
// h= and b= (where RFC 6376 allows FWS) so no line passes 78 characters.

import Foundation

enum SignatureField {
    static let name = "DKIM-Signature"
    private static let width = 76

    /// The field with every tag and an empty `b=` last, without a final CRLF: what is hashed
    /// (relaxed) and what the signed field starts with.
    static func unsigned(tags: [(String, String)], headerNames: [String], bodyHash: String) -> String {
        var folder = Folder(start: "\(name): ")
        for (index, (tag, value)) in tags.enumerated() {
            folder.add(word: "\(tag)=\(value);", spaceBefore: index > 0)
        }
        // h=: fold after a colon when the line is full.
        var hWords = headerNames.enumerated().map { $0.offset == headerNames.count - 1 ? $0.element + ";" : $0.element + ":" }
        if !hWords.isEmpty { hWords[0] = "h=" + hWords[0] }
        for (index, word) in hWords.enumerated() { folder.add(word: word, spaceBefore: index == 0, glued: index > 0) }
        folder.add(word: "bh=\(bodyHash);", spaceBefore: true)
        folder.add(word: "b=", spaceBefore: true)
        return folder.text
    }

    /// The unsigned field with the base64 signature appended to `b=` (folded inside the value,
    /// which the verifier deletes whole), ending in CRLF.
    static func signed(unsigned: String, signature: [UInt8]) -> String {
        var rest = Substring(Data(signature).base64EncodedString())
        var text = unsigned
        let utf8 = Array(text.utf8)
        let column = utf8.count - (utf8.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)
        var room = max(width - column, 8)
        while !rest.isEmpty {
            text += rest.prefix(room)
            rest = rest.dropFirst(room)
            if !rest.isEmpty { text += "\r\n\t" }
            room = width - 1
        }
        return text + "\r\n"
    }

    /// Lays words on lines of at most `width` characters, folding with CRLF TAB.
    private struct Folder {
        var text: String
        var column: Int

        init(start: String) {
            text = start
            column = start.count
        }

        /// `glued` words follow the previous one with no space unless the line is folded there.
        mutating func add(word: String, spaceBefore: Bool, glued: Bool = false) {
            let needed = word.count + (spaceBefore && !glued ? 1 : 0)
            if column + needed > width && column > 1 {
                text += "\r\n\t"
                column = 1
            } else if spaceBefore && !glued {
                text += " "
                column += 1
            }
            text += word
            column += word.count
        }
    }
}
