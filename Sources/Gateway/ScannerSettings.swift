// ScannerSettings: the PHI scanner the config asks for (the `scanner:` section over the built-in
// defaults). Used by the daemon, reload, `sealgate scan` and `sealgate policy explain`.

import PHIScanner

extension GatewayConfig {
    public var scannerConfiguration: ScannerConfiguration {
        var c = ScannerConfiguration.default
        if let words = scannerMRNContextWords { c.mrnContextWords = words }
        if let pattern = scannerMRNPattern { c.mrnPattern = pattern }
        c.healthTermsFiles = scannerHealthTermFiles
        if let window = scannerContextWindow { c.contextWindow = window }
        return c
    }
}
