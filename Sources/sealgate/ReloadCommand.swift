// `sealgate reload`: asks the running daemon to re-read its configuration and policies (the same
// as SIGHUP). A file with errors is refused and the daemon keeps running on the old one.

import ArgumentParser
import Foundation
import Gateway

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Reload the configuration and policies of the running daemon.")
    @OptionGroup var options: ConfigOption

    func run() throws {
        let config = try options.load()
        let response = try ControlClient.send(ControlRequest(command: "reload", actor: QueueCommand.actor),
                                              socketPath: config.controlSocketPath)
        guard response.ok else {
            printError(response.message)
            throw ExitCode(1)
        }
        print(response.message)
    }
}
