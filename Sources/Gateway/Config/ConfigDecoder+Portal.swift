// Decoding `portal:`: the pickup site's listener, certificate, base URL, store, pepper file, names
// and limits. The certificate, key and templates are loaded now, so check-config finds bad ones.
import Foundation
import MailCore
import NIOSSL
import Portal
import Yams
import YAMLSyntax

extension ConfigDecoder {
    func decodePortal(_ node: Node, keyMark: Mark?) {
        guard let section = reader.section(node, name: "portal", allowed: ConfigSchema.portal, keyMark: keyMark) else { return }
        var portal = PortalConfig.defaults(baseDirectory: baseDirectory, hostname: config.hostname)
        if let n = section["listen"], let text = reader.string(n, "portal.listen"),
           let address = reader.value(ConfigValueParsers.listenAddress(text), n, "portal.listen") {
            portal.host = address.host; portal.port = address.port
            // A wildcard address takes the port on every address: it clashes with any host on that port.
            let wildcard: (String) -> Bool = { $0 == "0.0.0.0" || $0 == "::" || $0.isEmpty }
            if let clash = config.listeners.first(where: {
                address.port != 0 && $0.port == address.port && ($0.host == address.host || wildcard($0.host) || wildcard(address.host))
            }) {
                reader.error("portal.listen: \(text) is already the address of listener '\(clash.name)'", at: n)
            }
        }
        // Required: every notice names it, and the listen address says nothing of the name recipients
        // reach (a wildcard, a loopback address behind a TLS passthrough, a NAT).
        if let n = section["base_url"], let text = reader.string(n, "portal.base_url") {
            if let url = reader.value(ConfigValueParsers.portalBaseURL(text), n, "portal.base_url") { portal.baseURL = url }
        } else if section["base_url"] == nil {
            reader.error("portal.base_url: required: the https address recipients open from their notice, "
                         + "e.g. \"https://portal.clinic.example\"", at: keyMark)
        }
        decodePortalTLS(section, into: &portal, sectionMark: keyMark)
        if let n = section["store"], let text = nonEmpty(n, "portal.store") { portal.storePath = resolve(text) }
        if let n = section["pepper_file"], let text = nonEmpty(n, "portal.pepper_file") { portal.pepperPath = resolve(text) }
        if let n = section["organisation"], let text = nonEmpty(n, "portal.organisation") {
            if text.contains(where: \.isNewline) || text.count > 200 {
                reader.error("portal.organisation: must be one line of at most 200 characters", at: n)
            } else {
                portal.organisation = text
            }
        }
        if let n = section["notice_from"], let text = reader.string(n, "portal.notice_from") {
            do { portal.noticeFrom = try MailAddressParser.parse(text, allowUTF8: true) } catch {
                reader.error("portal.notice_from: '\(text)' is not a mail address: \(error)", at: n)
            }
        }
        if let n = section["templates"], let text = nonEmpty(n, "portal.templates") {
            portal.templatesPath = resolve(text)
            do { _ = try PortalTemplates(overrides: portal.templatesPath) } catch {
                reader.error("portal.templates: \(error)", at: n)
            }
        }
        decodePortalLimits(section, into: &portal, sectionMark: keyMark)
        // The pepper must not sit with the store: a copy of one would then be a copy of both.
        if portal.pepperPath.hasPrefix(portal.storePath + "/") || portal.pepperPath == portal.storePath {
            reader.error("portal.pepper_file: \(portal.pepperPath) is inside portal.store (\(portal.storePath)); "
                         + "keep the pepper outside the store, so a copy of the store alone opens nothing",
                         at: section["pepper_file"] ?? section["store"] ?? node)
        }
        config.portal = portal
    }

    private func decodePortalTLS(_ section: YAMLMapping, into portal: inout PortalConfig, sectionMark: Mark?) {
        var certificateMark = sectionMark, keyMark = sectionMark
        if let n = section["tls"], let tls = reader.section(n, name: "portal.tls", allowed: ConfigSchema.portalTLS) {
            if let c = tls["certificate"], let text = nonEmpty(c, "portal.tls.certificate") {
                portal.certificatePath = resolve(text); certificateMark = c.mark
            }
            if let k = tls["key"], let text = nonEmpty(k, "portal.tls.key") { portal.keyPath = resolve(text); keyMark = k.mark }
        }
        // The same loaders PortalServer uses at start: missing, unreadable and garbage files fail here.
        do { _ = try NIOSSLCertificate.fromPEMFile(portal.certificatePath) } catch {
            reader.error("portal.tls.certificate: cannot load \(portal.certificatePath): \(error) "
                         + "(scripts/run generates development certificates)", at: certificateMark)
        }
        do { _ = try NIOSSLPrivateKey(file: portal.keyPath, format: .pem) } catch {
            reader.error("portal.tls.key: cannot load \(portal.keyPath): \(error)", at: keyMark)
        }
    }

    private func decodePortalLimits(_ section: YAMLMapping, into portal: inout PortalConfig, sectionMark: Mark?) {
        if let n = section["password_cost"], let v = reader.integer(n, "portal.password_cost", in: 10...22) { portal.passwordCost = v }
        let durations: [(String, WritableKeyPath<PortalConfig, TimeInterval>, ClosedRange<TimeInterval>)] = [
            // The issue asks 10–15 minutes; shorter is allowed, longer is not (a code is a bearer secret in a mailbox).
            ("code_lifetime", \.codeLifetime, 60...900),
            ("session_lifetime", \.sessionLifetime, 60...86400),
            ("sweep_interval", \.sweepInterval, 60...86400),
        ]
        for (key, path, range) in durations {
            guard let n = section[key], let v = reader.duration(n, "portal.\(key)") else { continue }
            if range.contains(v) { portal[keyPath: path] = v } else {
                reader.error("portal.\(key): must be from \(Int(range.lowerBound))s to \(Int(range.upperBound))s", at: n)
            }
        }
        if let n = section["codes_per_hour"], let v = reader.integer(n, "portal.codes_per_hour", in: 1...100) { portal.codesPerHour = v }
        if let n = section["lockout"], let lockout = reader.section(n, name: "portal.lockout", allowed: ConfigSchema.portalLockout) {
            if let f = lockout["failures"], let v = reader.integer(f, "portal.lockout.failures", in: 1...100) { portal.lockoutFailures = v }
            if let d = lockout["duration"], let v = reader.duration(d, "portal.lockout.duration") {
                if (60...7 * 86400).contains(v) { portal.lockoutDuration = v } else {
                    reader.error("portal.lockout.duration: must be from 1m to 7d", at: d)
                }
            }
        }
        var sizeNode: Node?
        if let n = section["reply"], let reply = reader.section(n, name: "portal.reply", allowed: ConfigSchema.portalReply) {
            if let c = reply["max_attachments"], let v = reader.integer(c, "portal.reply.max_attachments", in: 0...100) {
                portal.replyMaxAttachments = v
            }
            if let s = reply["max_size"], let v = reader.byteSize(s, "portal.reply.max_size", minimum: 1024) {
                portal.replyMaxSize = v
                sizeNode = s
            }
        }
        // The reply leaves as a message, its files in base64: it must fit the message limit encoded. Unset, the
        // size is 10 MB or, under a lower limits.max_message_size, the most that fits it once encoded (as Postfix
        // derives one limit from another rather than refusing its own defaults).
        if sizeNode == nil {
            let fitting = PortalMailComposer.largestReply(fitting: config.maxMessageSize, attachments: portal.replyMaxAttachments)
            portal.replyMaxSize = min(portal.replyMaxSize, fitting)
        }
        if portal.replyMaxSize < 1024 {
            reader.error("portal.reply: limits.max_message_size (\(config.maxMessageSize)) leaves no room for a portal "
                         + "reply once encoded; raise limits.max_message_size", at: section["reply"]?.mark ?? sectionMark)
            return
        }
        let encoded = PortalMailComposer.encodedReplySize(upTo: portal.replyMaxSize, attachments: portal.replyMaxAttachments)
        if encoded > config.maxMessageSize {
            let at = (sizeNode ?? section["reply"])?.mark ?? sectionMark
            reader.error("portal.reply.max_size: \(portal.replyMaxSize) bytes is more than limits.max_message_size "
                         + "(\(config.maxMessageSize)) allows once encoded (a reply that size is up to \(encoded) bytes as a "
                         + "message, in base64); lower portal.reply.max_size", at: at)
        }
    }

    private func nonEmpty(_ node: Node, _ name: String) -> String? {
        guard let text = reader.string(node, name) else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            reader.error("\(name): must not be empty", at: node)
            return nil
        }
        return text
    }
}
