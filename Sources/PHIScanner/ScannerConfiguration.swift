// ScannerConfiguration: what an admin can tune in the PHI scanner: MRN context words and identifier
// pattern, extra health-term dictionaries, and the context window. Errors building a scanner from it.

public struct ScannerConfiguration: Sendable {
    /// Words or phrases that announce a medical record number ("MRN", "chart #"); case-insensitive.
    public var mrnContextWords: [String]
    /// Regular expression (NSRegularExpression syntax) for the identifier that follows a context word;
    /// it is anchored where the identifier starts and must end at a word boundary.
    public var mrnPattern: String
    /// Extra dictionaries, same format as the built-in `health-terms.txt`, loaded after it.
    public var healthTermsFiles: [String]
    /// How many characters either side of a candidate are searched for context words.
    public var contextWindow: Int

    /// 6 to 12 letters and digits, at least 5 of them digits.
    public static let defaultMRNPattern = "(?=(?:[A-Za-z]*[0-9]){5})[A-Za-z0-9]{6,12}(?![A-Za-z0-9])"

    public static let `default` = ScannerConfiguration(
        mrnContextWords: Vocabulary.defaultMRNContext, mrnPattern: defaultMRNPattern, healthTermsFiles: [],
        contextWindow: 48)

    public init(mrnContextWords: [String], mrnPattern: String, healthTermsFiles: [String], contextWindow: Int) {
        self.mrnContextWords = mrnContextWords; self.mrnPattern = mrnPattern
        self.healthTermsFiles = healthTermsFiles; self.contextWindow = contextWindow
    }
}

public enum ScannerError: Error, Equatable, CustomStringConvertible {
    case unreadableDictionary(path: String)
    case missingBuiltinDictionary
    case invalidMRNPattern(String)
    case invalidContextWindow(Int)

    public var description: String {
        switch self {
        case .unreadableDictionary(let path): return "cannot read health-term dictionary \(path)"
        case .missingBuiltinDictionary: return "the built-in health-term dictionary is missing from the bundle"
        case .invalidMRNPattern(let p): return "invalid MRN pattern: \(p)"
        case .invalidContextWindow(let n): return "context window must be 1...1000 characters, not \(n)"
        }
    }
}
