// OpenSSLBytes: moving bytes in and out of OpenSSL (memory BIOs, DER and PEM certificates, PEM keys),
// each object freed by its owner; nothing here is shared between calls or threads.

import COpenSSL

enum OpenSSLBytes {
    /// Runs `body` with a read-only memory BIO over `bytes`; the BIO is freed afterwards.
    static func withReadBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw -> T in
            guard bytes.count <= Int(Int32.max) else { throw SMIMEError.openssl(operation: "BIO_new_mem_buf", message: "input too large") }
            // An empty array may have no base address; OpenSSL accepts any pointer for length 0.
            let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)
            guard let bio = sealgate_BIO_new_mem_buf(base, Int32(bytes.count)) else {
                throw OpenSSLErrorQueue.failure("BIO_new_mem_buf")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Runs `body` with an empty writable memory BIO and returns what it wrote.
    static func collect(_ operation: String, _ body: (OpaquePointer) throws -> Bool) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLErrorQueue.failure("BIO_new") }
        defer { BIO_free(bio) }
        guard try body(bio) else { throw OpenSSLErrorQueue.failure(operation) }
        var data: UnsafeMutablePointer<CChar>?
        let count = sealgate_BIO_get_mem_data(bio, &data)
        guard count > 0, let data else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// Parses one DER certificate; the caller frees it with X509_free. Trailing bytes are refused.
    static func certificate(der: [UInt8]) -> OpaquePointer? {
        der.withUnsafeBufferPointer { buf -> OpaquePointer? in
            guard let start = buf.baseAddress, buf.count > 0, buf.count <= Int(Int32.max) else { return nil }
            var p: UnsafePointer<UInt8>? = start
            guard let cert = d2i_X509(nil, &p, buf.count) else { return nil }
            guard let end = p, start.distance(to: end) == buf.count else { X509_free(cert); return nil }
            return cert
        }
    }

    /// Parses every PEM certificate in `pem` (at least one); the caller frees each with X509_free.
    static func certificates(pem: [UInt8]) throws -> [OpaquePointer] {
        try withReadBIO(pem) { bio -> [OpaquePointer] in
            var out: [OpaquePointer] = []
            while let cert = PEM_read_bio_X509(bio, nil, { _, _, _, _ in 0 }, nil) { out.append(cert) }
            ERR_clear_error() // the read past the last certificate queues a "no start line" error
            return out
        }
    }

    /// (The passphrase callback gives none: with OpenSSL's default a daemon would prompt on a terminal.)
    /// Parses a PEM private key (PKCS#8, traditional RSA or EC); the caller frees it with EVP_PKEY_free.
    static func privateKey(pem: [UInt8]) throws -> OpaquePointer? {
        try withReadBIO(pem) { bio in PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil) }
    }
}
