// `sealgate audit export`: a period's records as one signed bundle (tar: records.jsonl, SHA256SUMS,
// manifest.json, its Ed25519 signature and public key) that `audit verify --bundle` or openssl checks.

import ArgumentParser
import Foundation
import Gateway

struct AuditExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the records of a period as a signed bundle.",
        discussion: "Signed with the Ed25519 key at audit.signing_key (made 0600 on first use). docs/audit.md shows how to "
            + "check a bundle offline with tar, sha256sum and openssl.")
    @OptionGroup var options: ConfigOption
    @Option(help: "From this time on (RFC 3339 or YYYY-MM-DD).") var since: String?
    @Option(help: "Before this time (a date: to the end of that day).") var until: String?
    @Option(help: "The bundle file to write (mode 0600).") var out: String

    func run() throws {
        let config = try options.load()
        print(try auditRun { try AuditFacade(config: config).export(since: since, until: until, out: out) })
    }
}
