// ScanFacade: the PHI scanner as `sealgate scan` and `sealgate policy explain` use it, built from
// the configuration's scanner settings; a scan returns a report that renders itself as text or JSON.

import MailCore
import PHIScanner

public struct ScanFacade {
    let scanner: PHIScanner

    /// Throws the scanner's own error when the configuration's detectors cannot be built.
    public init(config: GatewayConfig) throws {
        scanner = try PHIScanner(configuration: config.scannerConfiguration, clock: SystemClock())
    }

    public func scan(_ message: [UInt8]) -> ScanReport {
        ScanReport(result: scanner.scan(message: message))
    }
}

/// One scan's findings (samples already masked) and uninspected parts.
public struct ScanReport {
    let result: ScanResult

    public var findingCount: Int { result.findings.count }
    public var text: String { ScanRendering.text(result) }
    public var json: String { ScanRendering.json(result) }
}
