// What `sealgate scan` and `sealgate policy explain` share: reading the message file (exit 2 when
// it cannot be read) and building the scanner the configuration asks for (exit 1 when it cannot).

import ArgumentParser
import Foundation
import Gateway

enum MessageInput {
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("cannot read \(path)")
            throw ExitCode(2)
        }
        return [UInt8](data)
    }

    static func scanner(_ options: ConfigOption) throws -> ScanFacade {
        let config = try options.load()
        do { return try ScanFacade(config: config) } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}
