// PHIScanner: the public entry point. Built once (dictionaries loaded, tables made), then shared by
// every session; scans plain text here and whole messages in PHIScanner+Message.swift.

import Foundation
import MailCore

public final class PHIScanner: Sendable {
    let engine: TextScanner

    /// Loads the built-in health-term dictionary and `configuration.healthTermsFiles`, once.
    public init(configuration: ScannerConfiguration = .default) throws {
        var dictionary = HealthTermDictionary()
        guard let builtin = HealthTermDictionary.builtinPath() else { throw ScannerError.missingBuiltinDictionary }
        try dictionary.add(file: builtin)
        for path in configuration.healthTermsFiles { try dictionary.add(file: path) }
        engine = try TextScanner(configuration: configuration, dictionary: dictionary)
    }

    /// Every detector over one decoded text. Findings carry `part` and masked samples only.
    public func scan(text: String, part: String) -> [Finding] {
        engine.scan(ScanText(text), part: part, today: PHIScanner.today())
    }

    static func today() -> CivilDate { CivilDate.today(secondsSince1970: Date().timeIntervalSince1970) }
}
