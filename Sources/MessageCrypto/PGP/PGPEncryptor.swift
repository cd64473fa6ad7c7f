// PGPEncryptor: encrypts a whole MIME entity to OpenPGP recipients with librnp (AES-256, SEIPD with
// MDC), optionally signed with the organisation's key, and returns the RFC 3156 PGP/MIME entity.

import CRNP
import MIME

public enum PGPEncryptor {
    /// Encrypts `entity` (a MIME entity: its header section, an empty line, its body) to the keys in
    /// `recipientKeys` (each exactly one armored or binary public key; a blob holding several primary
    /// keys is refused with `PGPError.notAPublicKey`) and returns a `multipart/encrypted;
    /// protocol="application/pgp-encrypted"` entity: its Content-Type header, an empty line and the
    /// two parts. The caller puts it under the message's outer header fields. The entity is made
    /// CRLF-canonical here before encryption, so the recipient decrypts exactly those bytes.
    ///
    /// `signingKey`, when given, is an unprotected OpenPGP secret key (armored or binary) whose
    /// signature goes inside the encryption (SHA-256). Each call uses its own rnp context, keys from
    /// memory, no home directory and no agent. It blocks the calling thread: call it on the caller's
    /// thread pool, never on an event loop. rnp refuses recipients with no valid encryption key
    /// (`PGPError.rnp` with RNP_ERROR_NO_SUITABLE_KEY); use `PGPKeyInspector` to judge keys first.
    public static func encrypt(entity: [UInt8], recipientKeys: [[UInt8]], signingKey: [UInt8]?) throws -> [UInt8] {
        guard !recipientKeys.isEmpty else { throw PGPError.noRecipients }
        guard !MessageHeaders(parsing: entity).fields.isEmpty else { throw PGPError.notAMIMEEntity }
        let context = try RNPContext()
        var recipients: [RNPKey] = []
        for key in recipientKeys {
            let kind = (try? RNPContext.guessContents(key)) ?? "unknown"
            guard kind == "public key" else { throw PGPError.notAPublicKey("a recipient key is \(kind) data") }
            let primaries = try context.importKeys(key, secret: false)
            // One recipient key blob is one recipient: a file holding several keys is refused, never
            // silently widened to everyone in it.
            guard primaries.count == 1, let fpr = primaries.first else {
                throw PGPError.notAPublicKey(primaries.isEmpty ? "no primary key" : "a recipient key holds \(primaries.count) keys (give one)")
            }
            recipients.append(try context.locate(fingerprint: fpr))
        }
        guard !recipients.isEmpty else { throw PGPError.noRecipients }
        let signer = try signingKey.map { try loadSigner($0, into: context) }
        let armored = try run(context: context, plaintext: CRLFCanonical.form(of: entity), recipients: recipients, signer: signer)
        return PGPMIMEBuilder.entity(armored: armored, boundary: PGPMIMEBuilder.boundary())
    }

    static func loadSigner(_ bytes: [UInt8], into context: RNPContext) throws -> RNPKey {
        let kind = (try? RNPContext.guessContents(bytes)) ?? "unknown"
        guard kind == "secret key" else { throw PGPError.notASigningKey("found \(kind) data, not a secret key") }
        let primaries: [String]
        do { primaries = try context.importKeys(bytes, secret: true) } catch let PGPError.rnp(_, name, _) {
            throw PGPError.notASigningKey("rnp could not read it (\(name))")
        }
        guard primaries.count == 1, let fpr = primaries.first else {
            throw PGPError.notASigningKey(primaries.isEmpty ? "no primary key" : "\(primaries.count) keys in one file")
        }
        let key = try context.locate(fingerprint: fpr)
        guard try key.hasSecret else { throw PGPError.notASigningKey("no secret key material") }
        if try key.isProtected { throw PGPError.signingKeyProtected(fingerprint: fpr) }
        return key
    }

    private static func run(context: RNPContext, plaintext: [UInt8], recipients: [RNPKey], signer: RNPKey?) throws -> [UInt8] {
        var outputHandle: rnp_output_t?
        try PGPError.check(rnp_output_to_memory(&outputHandle, 0), "rnp_output_to_memory")
        guard let output = outputHandle else { throw PGPError.rnp(call: "rnp_output_to_memory", name: "RNP_ERROR_NULL_POINTER", message: "no output") }
        defer { rnp_output_destroy(output) }
        try RNPInput.with(plaintext) { input in
            var opHandle: rnp_op_encrypt_t?
            try PGPError.check(rnp_op_encrypt_create(&opHandle, context.ffi, input, output), "rnp_op_encrypt_create")
            guard let op = opHandle else { throw PGPError.rnp(call: "rnp_op_encrypt_create", name: "RNP_ERROR_NULL_POINTER", message: "no operation") }
            defer { rnp_op_encrypt_destroy(op) }
            try PGPError.check(rnp_op_encrypt_set_armor(op, true), "rnp_op_encrypt_set_armor")
            try PGPError.check(rnp_op_encrypt_set_cipher(op, "AES256"), "rnp_op_encrypt_set_cipher")
            for key in recipients {
                try PGPError.check(rnp_op_encrypt_add_recipient(op, key.handle), "rnp_op_encrypt_add_recipient")
            }
            if let signer {
                try PGPError.check(rnp_op_encrypt_set_hash(op, "SHA256"), "rnp_op_encrypt_set_hash")
                try PGPError.check(rnp_op_encrypt_add_signature(op, signer.handle, nil), "rnp_op_encrypt_add_signature")
            }
            try PGPError.check(rnp_op_encrypt_execute(op), "rnp_op_encrypt_execute")
        }
        var buf: UnsafeMutablePointer<UInt8>?
        var len = 0
        try PGPError.check(rnp_output_memory_get_buf(output, &buf, &len, false), "rnp_output_memory_get_buf")
        guard let buf else { return [] }
        return Array(UnsafeBufferPointer(start: buf, count: len))
    }
}
