// PortalTemplates: the pages, mail texts and static files of the portal, from the built-in Templates
// resource directory, each file overridable by one of the same name in the admin's `portal.templates`.

import Foundation
import Mustache

public struct PortalTemplates: Sendable {
    /// Page templates (`<name>.mustache`): each page's `main`, wrapped by `layout`.
    public static let pageNames = ["layout", "pickup", "code", "message", "inbox", "login", "password", "reset",
                                   "revoke", "revoked", "problem", "continue"]
    /// Mail templates (`<name>.mustache`); the `.txt` ones render without HTML escaping.
    public static let mailNames = ["notice.txt", "notice.html", "sender-copy.txt", "sender-copy.html", "code.txt",
                                   "code.html", "read-receipt.txt"]
    /// Static files served as they are under /static/.
    public static let assetNames = ["portal.css", "logo.svg"]

    private let library: MustacheLibrary
    private let assets: [String: [UInt8]]

    /// The built-in templates (this target's `Templates` resource), overridden file by file from
    /// `overrides` when given.
    public init(overrides: String? = nil) throws {
        try self.init(builtIn: Self.builtInDirectory, overrides: overrides)
    }

    public init(builtIn: String, overrides: String?) throws {
        var library = MustacheLibrary()
        for name in Self.pageNames + Self.mailNames {
            let (path, text) = try Self.read("\(name).mustache", builtIn: builtIn, overrides: overrides)
            // Plain-text mail is not HTML: its values are not escaped (an override cannot forget this).
            let source = name.hasSuffix(".txt") ? "{{%CONTENT_TYPE:TEXT}}" + text : text
            do {
                library.register(try MustacheTemplate(string: source), named: name)
            } catch let error as MustacheTemplate.ParserError {
                throw PortalTemplatesError.syntax(path: path, line: error.context.lineNumber,
                                                  column: error.context.columnNumber, reason: "\(error.error)")
            }
        }
        var assets: [String: [UInt8]] = [:]
        for name in Self.assetNames {
            let (path, _) = try Self.read(name, builtIn: builtIn, overrides: overrides)
            guard let data = FileManager.default.contents(atPath: path) else { throw PortalTemplatesError.missing(path: path) }
            assets[name] = Array(data)
        }
        self.library = library
        self.assets = assets
    }

    /// Renders the template `name` with `values` (dictionaries, arrays, strings, booleans).
    public func render(_ name: String, _ values: [String: Any]) throws -> String {
        guard let text = library.render(values, withTemplate: name) else { throw PortalTemplatesError.unknown(name) }
        return text
    }

    /// A static file's bytes (`portal.css`, `logo.svg`).
    public func asset(_ name: String) -> [UInt8]? { assets[name] }

    /// Where the built-in templates are: the `Templates` folder of this target's resource bundle.
    public static var builtInDirectory: String {
        Bundle.module.resourceURL?.appendingPathComponent("Templates").path
            ?? Bundle.module.bundlePath + "/Templates"
    }

    /// The override's file when the admin directory has one, else the built-in file.
    private static func read(_ file: String, builtIn: String, overrides: String?) throws -> (path: String, text: String) {
        var candidates: [String] = []
        if let overrides { candidates.append((overrides as NSString).appendingPathComponent(file)) }
        candidates.append((builtIn as NSString).appendingPathComponent(file))
        for path in candidates {
            if let data = FileManager.default.contents(atPath: path) { return (path, String(decoding: data, as: UTF8.self)) }
        }
        throw PortalTemplatesError.missing(path: (builtIn as NSString).appendingPathComponent(file))
    }
}

public enum PortalTemplatesError: Error, Equatable, CustomStringConvertible {
    case missing(path: String)
    case syntax(path: String, line: Int, column: Int, reason: String)
    case unknown(String)

    public var description: String {
        switch self {
        case .missing(let path): return "\(path): template file missing"
        case .syntax(let path, let line, let column, let reason): return "\(path):\(line):\(column): template error: \(reason)"
        case .unknown(let name): return "no portal template named \(name)"
        }
    }
}
