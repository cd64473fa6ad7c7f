// The options `sealgate probe` and `sealgate policy explain --probe` share for reaching MX hosts.
// DNS comes from the configuration (`dns.resolver`, else /etc/resolv.conf), as for delivery.

import ArgumentParser

struct ProbeOptions: ParsableArguments {
    @Option(help: "Probe this port instead of delivery.port.") var port: Int?
}
