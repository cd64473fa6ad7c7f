// AuditCoding: the audit record's own JSON shapes for TLSFacts and ClientInfo, with snake_case
// keys fixed here, so the stored format does not change when MailCore's Codable forms do.

import MailCore

struct AuditTLSCoding: Codable {
    var facts: TLSFacts
    init(_ facts: TLSFacts) { self.facts = facts }

    private enum CodingKeys: String, CodingKey {
        case version, cipher, bits, algorithmBits = "algorithm_bits", verify, trust, verifyError = "verify_error"
        case peerSubject = "peer_subject", peerIssuer = "peer_issuer"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let verify = try c.decode(String.self, forKey: .verify)
        let verification: CertificateVerification
        switch verify {
        case "OK":
            let raw = try c.decode(String.self, forKey: .trust)
            guard let trust = TrustSource(rawValue: raw) else {
                throw DecodingError.dataCorruptedError(forKey: .trust, in: c, debugDescription: "unknown trust \(raw)")
            }
            verification = .verified(trust: trust)
        case "FAIL": verification = .failed(reason: try c.decodeIfPresent(String.self, forKey: .verifyError) ?? "")
        case "NONE": verification = .none
        default: throw DecodingError.dataCorruptedError(forKey: .verify, in: c, debugDescription: "unknown verify \(verify)")
        }
        facts = TLSFacts(version: try c.decode(String.self, forKey: .version), cipher: try c.decode(String.self, forKey: .cipher),
                         bits: try c.decode(Int.self, forKey: .bits), algorithmBits: try c.decode(Int.self, forKey: .algorithmBits),
                         verification: verification,
                         peerSubject: try c.decodeIfPresent(String.self, forKey: .peerSubject),
                         peerIssuer: try c.decodeIfPresent(String.self, forKey: .peerIssuer))
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(facts.version, forKey: .version)
        try c.encode(facts.cipher, forKey: .cipher)
        try c.encode(facts.bits, forKey: .bits)
        try c.encode(facts.algorithmBits, forKey: .algorithmBits)
        try c.encode(facts.verification.word, forKey: .verify)
        switch facts.verification {
        case .verified(let trust): try c.encode(trust.rawValue, forKey: .trust)
        case .failed(let reason): try c.encode(reason, forKey: .verifyError)
        case .none: break
        }
        try c.encodeIfPresent(facts.peerSubject, forKey: .peerSubject)
        try c.encodeIfPresent(facts.peerIssuer, forKey: .peerIssuer)
    }
}

struct AuditClientCoding: Codable {
    var client: ClientInfo
    init(_ client: ClientInfo) { self.client = client }

    private enum CodingKeys: String, CodingKey {
        case address, port, hostname, helo, protocolName = "protocol", authenticatedUser = "authenticated_user", tls, listener
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        client = ClientInfo(address: try c.decode(String.self, forKey: .address), port: try c.decode(Int.self, forKey: .port),
                            hostname: try c.decodeIfPresent(String.self, forKey: .hostname),
                            helo: try c.decode(String.self, forKey: .helo),
                            protocolName: try c.decode(String.self, forKey: .protocolName),
                            authenticatedUser: try c.decodeIfPresent(String.self, forKey: .authenticatedUser),
                            tls: try c.decodeIfPresent(AuditTLSCoding.self, forKey: .tls)?.facts,
                            listener: try c.decode(String.self, forKey: .listener))
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(client.address, forKey: .address)
        try c.encode(client.port, forKey: .port)
        try c.encodeIfPresent(client.hostname, forKey: .hostname)
        try c.encode(client.helo, forKey: .helo)
        try c.encode(client.protocolName, forKey: .protocolName)
        try c.encodeIfPresent(client.authenticatedUser, forKey: .authenticatedUser)
        try c.encodeIfPresent(client.tls.map(AuditTLSCoding.init), forKey: .tls)
        try c.encode(client.listener, forKey: .listener)
    }
}
