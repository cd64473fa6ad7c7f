// PHIScanner: the public entry point. Built once (dictionaries loaded, tables made), then shared by
// every session; scans plain text here and whole messages in PHIScanner+Message.swift.

import Foundation
import MailCore

/// Finds PHI in decoded mail. Samples are masked (see `Masking`): identifiers keep their last four
/// characters (`***-**-6789`, `******3093`, `************1111`, `***-***-1234`, `*****4563`), dates of
/// birth keep the year (`**/**/1984`), ICD-10 codes the chapter letter (`E**.*`), health terms only
/// their category (`[diagnosis]`, `[drug]`, `[procedure]`). One finding per distinct value per part.
///
/// Confidence: a checksum- or format-validated identifier without context 0.7-0.85; with a context
/// word in the window 0.9-0.98; detections that require context (bare digit runs, ICD-10, MRN, DOB)
/// 0.8-0.97; a dictionary term alone 0.5.
public final class PHIScanner: Sendable {
    let engine: TextScanner
    /// "Today" for date-of-birth plausibility (no birth date after today) and the two-digit-year pivot.
    let clock: WallClock

    /// Loads the built-in health-term dictionary and `configuration.healthTermsFiles`, once.
    public init(configuration: ScannerConfiguration = .default, clock: WallClock) throws {
        self.clock = clock
        var dictionary = HealthTermDictionary()
        guard let builtin = HealthTermDictionary.builtinPath() else { throw ScannerError.missingBuiltinDictionary }
        try dictionary.add(file: builtin)
        for path in configuration.healthTermsFiles { try dictionary.add(file: path) }
        engine = try TextScanner(configuration: configuration, dictionary: dictionary)
    }

    /// Every detector over one decoded text. Findings carry `part` and masked samples only.
    public func scan(text: String, part: String) -> [Finding] {
        engine.scan(ScanText(text), part: part, today: today())
    }

    func today() -> CivilDate { CivilDate.today(secondsSince1970: clock.now().timeIntervalSince1970) }
}
