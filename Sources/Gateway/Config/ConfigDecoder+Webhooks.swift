// Decoding `webhooks:` (docs/webhooks.md): a list of endpoints, each url (https only), secret_file
// (0600, read now), events (default all), ca_file, and the retry schedule; each bad value at its file:line:col.

import Foundation
import MailCore
import SafeIO
import TLSPolicy
import Webhooks
import Yams
import YAMLSyntax

extension ConfigDecoder {
    func decodeWebhooks(_ node: Node) {
        guard let items = reader.list(node, "webhooks") else { return }
        var urls: Set<String> = []
        for (itemNode, name) in items {
            guard let section = reader.section(itemNode, name: name, allowed: ConfigSchema.webhook),
                  let endpoint = decodeWebhook(section, name: name, at: itemNode) else { continue }
            if !urls.insert(endpoint.url).inserted {
                reader.error("\(name).url: \(endpoint.url) is listed twice", at: section["url"] ?? itemNode)
                continue
            }
            config.webhooks.append(endpoint)
        }
    }

    private func decodeWebhook(_ section: YAMLMapping, name: String, at node: Node) -> WebhookEndpoint? {
        var ok = true
        var url = ""
        if let n = section["url"], let text = reader.string(n, "\(name).url") {
            if let problem = Self.webhookURLProblem(text) { reader.error("\(name).url: \(problem)", at: n); ok = false } else { url = text }
        } else if section["url"] == nil {
            reader.error("\(name).url: required: the HTTPS address that receives the events", at: node); ok = false
        }
        var secret: [UInt8] = []
        if let n = section["secret_file"], let text = reader.string(n, "\(name).secret_file") {
            let path = resolve(text)
            do {
                guard let bytes = try SafeIO.readPrivate(path) else { throw WebhookSecretProblem.missing }
                secret = Array(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
                if secret.count < 16 { throw WebhookSecretProblem.short }
            } catch {
                reader.error("\(name).secret_file: \(path): \(error) (a 0600 file of at least 16 characters, e.g. "
                             + "`openssl rand -hex 32 > FILE; chmod 600 FILE`)", at: n)
                ok = false
            }
        } else if section["secret_file"] == nil {
            reader.error("\(name).secret_file: required: the 0600 file with the HMAC secret shared with the receiver", at: node)
            ok = false
        }
        var endpoint = WebhookEndpoint(url: url, secret: secret)
        if let n = section["events"], let list = reader.stringList(n, "\(name).events") {
            var events: Set<WebhookEventType> = []
            for (text, itemNode) in list {
                if let type = WebhookEventType(rawValue: text) { events.insert(type) } else {
                    var message = "\(name).events: unknown event '\(text)'"
                    let names = WebhookEventType.allCases.map(\.rawValue)
                    if let guess = NameSuggestion.closest(to: text, among: names) { message += "; did you mean '\(guess)'?" }
                    reader.error(message + " (known: \(names.joined(separator: ", ")))", at: itemNode); ok = false
                }
            }
            endpoint.events = events
        }
        if let n = section["ca_file"], let text = reader.string(n, "\(name).ca_file") {
            let path = resolve(text)
            do { _ = try CAFile.load(path); endpoint.caFile = path } catch {
                reader.error("\(name).ca_file: \(error)", at: n); ok = false
            }
        }
        let durations: [(String, WritableKeyPath<WebhookBackoff, TimeInterval>)] =
            [("retry_first", \.first), ("retry_max", \.maximum), ("give_up_after", \.giveUpAfter)]
        for (key, path) in durations {
            guard let n = section[key], let value = reader.duration(n, "\(name).\(key)") else { continue }
            if value < 1 { reader.error("\(name).\(key): at least 1s", at: n); ok = false } else { endpoint.backoff[keyPath: path] = value }
        }
        if endpoint.backoff.maximum < endpoint.backoff.first {
            reader.error("\(name).retry_max: must not be shorter than retry_first", at: section["retry_max"] ?? node); ok = false
        }
        return ok ? endpoint : nil
    }

    /// Why `text` is no acceptable webhook URL (nil: it is): https with a host; http only to 127.0.0.1.
    static func webhookURLProblem(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            return "'\(text)' is not a URL (expected https://host[:port]/path)"
        }
        if components.user != nil || components.password != nil { return "must not carry a user or password (the HMAC authenticates)" }
        switch scheme {
        case "https": return nil
        case "http" where host == "127.0.0.1": return nil
        case "http": return "'\(text)': http is refused (events would cross the network unencrypted); use https"
        default: return "'\(text)': the scheme must be https"
        }
    }
}

enum WebhookSecretProblem: Error, CustomStringConvertible {
    case missing, short
    var description: String {
        switch self {
        case .missing: return "file not found"
        case .short: return "the secret is shorter than 16 characters"
        }
    }
}
