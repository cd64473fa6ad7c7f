// CipherSuiteTable: maps IANA cipher-suite numbers to the OpenSSL names Postfix prints and to
// their key bits, so Received headers and audit records name the suite exactly as peers log it.

public struct CipherSuiteInfo: Sendable, Equatable {
    public let name: String
    public let bits: Int
}

public enum CipherSuiteTable {
    /// (effective bits == algorithm bits for every AEAD/CBC suite listed.)
    static let suites: [UInt16: CipherSuiteInfo] = {
        var t: [UInt16: CipherSuiteInfo] = [:]
        func add(_ id: UInt16, _ name: String, _ bits: Int) { t[id] = CipherSuiteInfo(name: name, bits: bits) }
        // TLS 1.3 (RFC 8446 §B.4): OpenSSL uses the IANA names.
        add(0x1301, "TLS_AES_128_GCM_SHA256", 128)
        add(0x1302, "TLS_AES_256_GCM_SHA384", 256)
        add(0x1303, "TLS_CHACHA20_POLY1305_SHA256", 256)
        add(0x1304, "TLS_AES_128_CCM_SHA256", 128)
        // TLS 1.2 AEAD suites.
        add(0xC02B, "ECDHE-ECDSA-AES128-GCM-SHA256", 128)
        add(0xC02C, "ECDHE-ECDSA-AES256-GCM-SHA384", 256)
        add(0xC02F, "ECDHE-RSA-AES128-GCM-SHA256", 128)
        add(0xC030, "ECDHE-RSA-AES256-GCM-SHA384", 256)
        add(0xCCA8, "ECDHE-RSA-CHACHA20-POLY1305", 256)
        add(0xCCA9, "ECDHE-ECDSA-CHACHA20-POLY1305", 256)
        add(0xCCAA, "DHE-RSA-CHACHA20-POLY1305", 256)
        add(0x009E, "DHE-RSA-AES128-GCM-SHA256", 128)
        add(0x009F, "DHE-RSA-AES256-GCM-SHA384", 256)
        add(0x009C, "AES128-GCM-SHA256", 128)
        add(0x009D, "AES256-GCM-SHA384", 256)
        // TLS 1.2 CBC suites still seen on older MX hosts.
        add(0xC009, "ECDHE-ECDSA-AES128-SHA", 128)
        add(0xC00A, "ECDHE-ECDSA-AES256-SHA", 256)
        add(0xC013, "ECDHE-RSA-AES128-SHA", 128)
        add(0xC014, "ECDHE-RSA-AES256-SHA", 256)
        add(0xC023, "ECDHE-ECDSA-AES128-SHA256", 128)
        add(0xC024, "ECDHE-ECDSA-AES256-SHA384", 256)
        add(0xC027, "ECDHE-RSA-AES128-SHA256", 128)
        add(0xC028, "ECDHE-RSA-AES256-SHA384", 256)
        add(0x0033, "DHE-RSA-AES128-SHA", 128)
        add(0x0039, "DHE-RSA-AES256-SHA", 256)
        add(0x0067, "DHE-RSA-AES128-SHA256", 128)
        add(0x006B, "DHE-RSA-AES256-SHA256", 256)
        add(0x002F, "AES128-SHA", 128)
        add(0x0035, "AES256-SHA", 256)
        add(0x003C, "AES128-SHA256", 128)
        add(0x003D, "AES256-SHA256", 256)
        return t
    }()

    /// The suite's name and bits; an unknown suite is named by its number with 0 bits.
    public static func lookup(_ id: UInt16) -> CipherSuiteInfo {
        suites[id] ?? CipherSuiteInfo(name: "0x" + String(id, radix: 16, uppercase: true), bits: 0)
    }

    public static func versionName(_ v: UInt16) -> String {
        switch v {
        case 0x0304: return "TLSv1.3"
        case 0x0303: return "TLSv1.2"
        case 0x0302: return "TLSv1.1"
        case 0x0301: return "TLSv1"
        default: return "0x" + String(v, radix: 16)
        }
    }
}
