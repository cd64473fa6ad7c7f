// `sealgate probe DOMAIN`: what TLS the domain's MX hosts offer and whether it meets the level
// configured for it (MX + DNSSEC, TLSA, MTA-STS, STARTTLS per MX). `--forget` resets its observations.

import ArgumentParser
import Foundation
import Gateway

struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the TLS a destination domain's MX hosts offer and whether it meets the configured level.")
    @OptionGroup var options: ConfigOption
    @Argument(help: "The destination domain, e.g. partner.example.") var domain: String
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "Forget the TLS observations (and the ratchet) for the domain instead of probing.") var forget = false
    @OptionGroup var probeOptions: ProbeOptions

    func run() async throws {
        let config = try options.load()
        if forget {
            try ProbeReportRunner.forget(config: config, domain: domain)
            print("forgot TLS observations for \(domain)")
            return
        }
        print(try await ProbeReportRunner.run(config: config, domain: domain, json: json, port: probeOptions.port))
    }
}
