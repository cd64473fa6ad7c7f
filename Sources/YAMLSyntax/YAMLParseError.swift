// Turns a Yams/libyaml error into one position and a one-line message, without the multi-line
// source snippet Yams appends. The config and policy readers both report through this.
import Yams

enum YAMLParseError {
    static func describe(_ error: Error) -> (line: Int, column: Int, message: String) {
        guard let yamlError = error as? YamlError else { return (1, 1, "YAML error: \(error)") }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return (mark.line, mark.column, "YAML syntax error: \(problem)\(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return (context.mark.line, context.mark.column, "duplicate key \(keys): each key may appear only once in a mapping")
        case .reader(let problem, let offset, _, let yaml):
            let position = offset.map { Self.position(ofUTF8Offset: $0, in: yaml) } ?? (line: 1, column: 1)
            return (position.line, position.column, "YAML error: \(problem)")
        default:
            return (1, 1, "YAML error: \(yamlError)")
        }
    }

    /// 1-based line and column (in bytes) of a UTF-8 offset, as libyaml's reader reports it.
    static func position(ofUTF8Offset offset: Int, in text: String) -> (line: Int, column: Int) {
        let prefix = text.utf8.prefix(offset)
        let line = prefix.filter { $0 == UInt8(ascii: "\n") }.count + 1
        let column = prefix.reversed().prefix(while: { $0 != UInt8(ascii: "\n") }).count + 1
        return (line, column)
    }
}
