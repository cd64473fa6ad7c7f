// Splits a server-side command line into its verb and argument, and parses the
// "FROM:<path> params" / "TO:<path> params" arguments of MAIL and RCPT (RFC 5321 §4.1.2).

struct ServerCommandLine: Equatable {
    /// Upper-cased verb: "EHLO", "MAIL", ...
    var verb: String
    /// The text after the verb and its space, trailing blanks removed.
    var argument: String

    init(_ line: String) {
        let trimmed = line.drop(while: { $0 == " " })
        if let space = trimmed.firstIndex(of: " ") {
            verb = trimmed[..<space].uppercased()
            var arg = trimmed[trimmed.index(after: space)...]
            while let last = arg.last, last == " " || last == "\t" { arg = arg.dropLast() }
            argument = String(arg)
        } else {
            verb = trimmed.uppercased()
            argument = ""
        }
    }
}

/// One ESMTP parameter: keyword upper-cased, value as given.
struct ServerMailParameter: Equatable {
    var keyword: String
    var value: String?
}

struct ServerPathArgument: Equatable {
    /// The mailbox inside the angle brackets with any source route removed; "" for `<>`.
    var mailbox: String
    var parameters: [ServerMailParameter]
}

enum ServerPathError: Error, Equatable {
    case syntax, tooLong
}

enum ServerPathParser {
    /// RFC 5321 §4.5.3.1.3: a path is at most 256 octets, angle brackets included.
    static let maxPathLength = 256

    /// Parses `FROM:<path> params` (prefix "FROM:") or `TO:<path> params` (prefix "TO:").
    /// A space after the colon is tolerated, as most servers do.
    static func parse(_ argument: String, prefix: String) -> Result<ServerPathArgument, ServerPathError> {
        guard argument.uppercased().hasPrefix(prefix) else { return .failure(.syntax) }
        let rest = argument.dropFirst(prefix.count).drop(while: { $0 == " " })
        guard rest.first == "<", let close = closingBracket(in: rest) else { return .failure(.syntax) }
        var inner = rest[rest.index(after: rest.startIndex)..<close]
        guard inner.utf8.count + 2 <= maxPathLength else { return .failure(.tooLong) }
        if inner.first == "@" {
            // A-d-l source route (RFC 5321 §4.1.2, Appendix C): accepted and ignored.
            guard let colon = inner.firstIndex(of: ":") else { return .failure(.syntax) }
            inner = inner[inner.index(after: colon)...]
            guard !inner.isEmpty else { return .failure(.syntax) }
        }
        let tail = rest[rest.index(after: close)...]
        guard tail.isEmpty || tail.first == " " else { return .failure(.syntax) }
        var parameters: [ServerMailParameter] = []
        for word in tail.split(separator: " ", omittingEmptySubsequences: true) {
            guard let parameter = parseParameter(word) else { return .failure(.syntax) }
            parameters.append(parameter)
        }
        return .success(ServerPathArgument(mailbox: String(inner), parameters: parameters))
    }

    /// The index of the `>` that closes the path, skipping quoted strings in the local part.
    static func closingBracket(in text: Substring) -> Substring.Index? {
        var inQuotes = false
        var escaped = false
        var i = text.index(after: text.startIndex)
        while i < text.endIndex {
            let c = text[i]
            if escaped {
                escaped = false
            } else if inQuotes && c == "\\" {
                escaped = true
            } else if c == "\"" {
                inQuotes.toggle()
            } else if c == ">" && !inQuotes {
                return i
            } else if c == "<" && !inQuotes {
                return nil
            }
            i = text.index(after: i)
        }
        return nil
    }

    /// esmtp-param = esmtp-keyword ["=" esmtp-value] (RFC 5321 §4.1.2).
    static func parseParameter(_ word: Substring) -> ServerMailParameter? {
        let keyword: Substring
        var value: String?
        if let eq = word.firstIndex(of: "=") {
            keyword = word[..<eq]
            let v = word[word.index(after: eq)...]
            // esmtp-value: printable ASCII except "=" and SP, or UTF-8 (RFC 6531).
            guard !v.isEmpty, v.unicodeScalars.allSatisfy({ ($0.value >= 33 && $0.value != 61 && $0.value != 127) })
            else { return nil }
            value = String(v)
        } else {
            keyword = word
        }
        guard let first = keyword.unicodeScalars.first, first.isASCIIAlphanumeric,
              keyword.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" })
        else { return nil }
        return ServerMailParameter(keyword: keyword.uppercased(), value: value)
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
