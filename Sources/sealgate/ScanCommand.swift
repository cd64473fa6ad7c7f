// `sealgate scan [--json] FILE.eml`: prints the PHI findings (masked) and the uninspected parts of one
// message. Exit 0 whether or not anything was found, 2 when the file cannot be read.

import ArgumentParser
import Foundation
import Gateway

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan a message file for PHI and print the findings (masked samples only).")

    @Flag(help: "Print JSON: {\"findings\":[...], \"uninspected\":[...]}.")
    var json = false

    @Option(name: .customLong("repeat"), help: "Scan the file N times and print the throughput (MB/s) to stderr.")
    var repetitions = 1

    @Argument(help: "The message (RFC 5322, as it would arrive in DATA).")
    var file: String

    @OptionGroup var options: ConfigOption

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1") }
    }

    func run() throws {
        let bytes = try MessageInput.read(file)
        let scanner = try MessageInput.scanner(options)
        let clock = ContinuousClock()
        var result = scanner.scan(bytes)
        if repetitions > 1 {
            // CPU time is the per-core figure (other processes on the machine do not distort it).
            let cpuStart = Foundation.clock()
            let elapsed = clock.measure {
                for _ in 1...repetitions { result = scanner.scan(bytes) }
            }
            let cpu = Double(Foundation.clock() - cpuStart) / Double(CLOCKS_PER_SEC)
            let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let megabytes = Double(bytes.count * repetitions) / 1_000_000
            FileHandle.standardError.write(Data(String(
                format: "scanned %d x %d bytes: %.1f MB/s per core (%.3f s CPU), %.1f MB/s wall (%.3f s)\n",
                repetitions, bytes.count, cpu > 0 ? megabytes / cpu : 0, cpu, wall > 0 ? megabytes / wall : 0,
                wall).utf8))
        }
        print(json ? result.json : result.text)
    }
}
