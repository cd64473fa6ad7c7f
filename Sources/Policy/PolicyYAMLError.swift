// Turns a Yams/libyaml error into one positioned policy diagnostic: the position libyaml gives
// and a one-line message without the source snippet Yams appends.
import Yams

enum PolicyYAMLError {
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
        default:
            return (1, 1, "YAML error: \(yamlError)")
        }
    }
}
