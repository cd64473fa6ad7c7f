// Decoding `delivery:`: the smarthost (required in this issue), its port, the retry
// schedule, lifetime, CA file and connect timeout.
import Yams

extension ConfigDecoder {
    func decodeDelivery(_ node: Node?, keyMark: Mark?) {
        let required = "delivery.smarthost is required until direct MX delivery exists"
        guard let node else {
            reader.report(required, at: nil as Mark?)  // the top of the file
            return
        }
        guard let delivery = reader.section(node, name: "delivery", allowed: ConfigSchema.delivery) else { return }
        if let n = delivery["port"], let port = reader.integer(n, "delivery.port", in: 1...65535) {
            config.deliveryPort = port
        }
        if let n = delivery["smarthost"] {
            if let text = reader.string(n, "delivery.smarthost") {
                config.smarthost = reader.value(ConfigValueParsers.smarthost(text, defaultPort: config.deliveryPort),
                                                n, "delivery.smarthost")
            }
        } else {
            reader.report(required, at: keyMark ?? node.mark)
        }
        if let n = delivery["retry"], let items = reader.list(n, "delivery.retry") {
            let steps = items.compactMap { reader.duration($0.node, $0.name) }
            if items.isEmpty {
                reader.report("delivery.retry: needs at least one interval, e.g. [1m, 5m, 15m, 30m]", at: n)
            } else if steps.count == items.count {
                config.retrySteps = steps
            }
        }
        if let n = delivery["retry_after"], let v = reader.duration(n, "delivery.retry_after") { config.retryAfter = v }
        if let n = delivery["max_lifetime"], let v = reader.duration(n, "delivery.max_lifetime") { config.maxLifetime = v }
        if let n = delivery["connect_timeout"], let v = reader.duration(n, "delivery.connect_timeout") {
            config.connectTimeout = v
        }
        if let n = delivery["ca_file"], let text = reader.optionalString(n, "delivery.ca_file") {
            config.deliveryCAFile = text.map(resolve)
            caFileMark = delivery.keyNode("ca_file")?.mark
        }
    }
}
