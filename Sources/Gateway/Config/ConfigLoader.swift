// ConfigLoader: finds the config file (--config, else ./sealgate.yaml, else built-in defaults),
// parses it with Yams and returns a GatewayConfig or every diagnostic found.
import Foundation
import YAMLSyntax

public enum ConfigLoader {
    /// The file looked for in the current directory when no `--config` is given.
    public static let defaultFileName = "sealgate.yaml"

    /// `now` is the time the signing certificates and keys the file names must be valid at.
    public static func load(explicitPath: String?, currentDirectory: String, now: Date) -> Result<GatewayConfig, ConfigErrors> {
        let displayPath: String
        if let explicitPath {
            displayPath = explicitPath
        } else {
            let candidate = ConfigValueParsers.resolvePath(defaultFileName, base: currentDirectory)
            guard FileManager.default.fileExists(atPath: candidate) else {
                return .success(GatewayConfig.builtInDefaults(baseDirectory: currentDirectory))
            }
            displayPath = defaultFileName
        }
        let absolute = ConfigValueParsers.resolvePath(displayPath, base: currentDirectory)
        let text: String
        do {
            text = try String(contentsOfFile: absolute, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: absolute) ? "cannot read config file (not UTF-8 text, or no permission)"
                : "config file not found"
            return .failure(ConfigErrors(diagnostics: [YAMLDiagnostic(file: displayPath, line: 1, column: 1, message: reason)]))
        }
        return parse(yaml: text, displayPath: displayPath, absolutePath: absolute, now: now)
    }

    /// Parses `yaml` as if read from `path`; relative paths in it resolve against `path`'s directory.
    public static func parse(yaml: String, path: String, now: Date) -> Result<GatewayConfig, ConfigErrors> {
        let absolute = ConfigValueParsers.resolvePath(path, base: FileManager.default.currentDirectoryPath)
        return parse(yaml: yaml, displayPath: path, absolutePath: absolute, now: now)
    }

    static func parse(yaml: String, displayPath: String, absolutePath: String, now: Date) -> Result<GatewayConfig, ConfigErrors> {
        let directory = ConfigValueParsers.resolvePath("..", base: absolutePath)
        let decoder = ConfigDecoder(file: displayPath, baseDirectory: directory, now: now)
        decoder.config.sourcePath = absolutePath
        decoder.decode(root: decoder.reader.compose(yaml))   // nil: an empty file, or a YAML error already reported
        let diagnostics = decoder.reader.sortedDiagnostics
        return diagnostics.isEmpty ? .success(decoder.config) : .failure(ConfigErrors(diagnostics: diagnostics))
    }
}
