// `sealgate audit message ID`: the whole story of one message (by queue ID or Message-ID) in chain
// order, each record a Received-header-style line with its TLS facts, or JSON lines.

import ArgumentParser
import Foundation
import Gateway

struct AuditMessageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "message", abstract: "Show every record of one message, in order.",
        discussion: "ID is a queue ID or a Message-ID header value (the angle brackets are optional). Nothing on record exits 2.")
    @OptionGroup var options: ConfigOption
    @Argument(help: "A queue ID or a Message-ID.") var id: String
    @Flag(help: "One JSON object per line.") var json = false

    func run() throws {
        let config = try options.load()
        writeOut(try auditRun { try AuditFacade(config: config).message(id, json: json) })
    }
}
