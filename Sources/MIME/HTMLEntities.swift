// HTMLEntities: the named character references HTMLText decodes (the HTML 4 Latin-1 set plus common
// punctuation, dashes, quotes and invisible characters), as Unicode scalar values.

enum HTMLEntities {
    /// Scalars that carry no visible text; obfuscation uses them to split identifiers, so they are dropped.
    static func isInvisible(_ v: UInt32) -> Bool {
        v == 0xAD || (v >= 0x200B && v <= 0x200F) || v == 0x2060 || v == 0xFEFF
    }

    /// Scalars rendered as a blank: they become an ordinary space.
    static func isBlank(_ v: UInt32) -> Bool {
        v == 0x09 || v == 0x0A || v == 0x0D || v == 0xA0 || (v >= 0x2000 && v <= 0x200A) || v == 0x202F
    }

    static let named: [String: UInt32] = {
        var t: [String: UInt32] = [
            "quot": 34, "amp": 38, "apos": 39, "lt": 60, "gt": 62,
            "QUOT": 34, "AMP": 38, "LT": 60, "GT": 62,
            "excl": 33, "num": 35, "dollar": 36, "percnt": 37, "lpar": 40, "rpar": 41, "ast": 42, "plus": 43,
            "comma": 44, "period": 46, "sol": 47, "colon": 58, "semi": 59, "equals": 61, "quest": 63,
            "commat": 64, "lsqb": 91, "bsol": 92, "rsqb": 93, "lowbar": 95, "lcub": 123, "verbar": 124,
            "rcub": 125, "Tab": 9, "NewLine": 10,
            "OElig": 338, "oelig": 339, "Scaron": 352, "scaron": 353, "Yuml": 376, "fnof": 402,
            "circ": 710, "tilde": 732,
            "ensp": 8194, "emsp": 8195, "thinsp": 8201, "ZeroWidthSpace": 8203, "zwnj": 8204, "zwj": 8205,
            "lrm": 8206, "rlm": 8207, "hyphen": 8208, "dash": 8208, "ndash": 8211, "mdash": 8212,
            "lsquo": 8216, "rsquo": 8217, "sbquo": 8218, "ldquo": 8220, "rdquo": 8221, "bdquo": 8222,
            "dagger": 8224, "Dagger": 8225, "bull": 8226, "hellip": 8230, "permil": 8240, "prime": 8242,
            "Prime": 8243, "lsaquo": 8249, "rsaquo": 8250, "oline": 8254, "frasl": 8260, "NoBreak": 8288,
            "euro": 8364, "trade": 8482, "minus": 8722,
        ]
        let latin1 = """
            nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr \
            deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest \
            Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml \
            ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig \
            agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml \
            eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml
            """.split(separator: " ")
        for (offset, name) in latin1.enumerated() { t[String(name)] = UInt32(0xA0 + offset) }
        return t
    }()

    /// The scalar a numeric reference stands for, with HTML's repairs (0 and out-of-range become
    /// U+FFFD; 0x80–0x9F are read as Windows-1252, as browsers do).
    static func numeric(_ value: UInt32) -> UInt32 {
        if value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) { return 0xFFFD }
        if value >= 0x80 && value <= 0x9F { return UInt32(Charsets.windows1252High[Int(value) - 0x80]) }
        return value
    }
}
