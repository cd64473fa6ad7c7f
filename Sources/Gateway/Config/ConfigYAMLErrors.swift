// Turns a Yams/libyaml error into one positioned diagnostic: the position libyaml gives and
// a short message without the multi-line snippet Yams appends.
import Yams

extension ConfigLoader {
    static func yamlErrorPosition(_ error: Error) -> (line: Int, column: Int)? {
        guard let yamlError = error as? YamlError else { return nil }
        switch yamlError {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return (mark.line, mark.column)
        case .duplicatedKeysInMapping(_, let context): return (context.mark.line, context.mark.column)
        case .reader(_, let offset, _, let yaml):
            guard let offset else { return nil }
            let prefix = yaml.utf8.prefix(offset)
            let line = prefix.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let column = prefix.reversed().prefix(while: { $0 != UInt8(ascii: "\n") }).count + 1
            return (line, column)
        default: return nil
        }
    }

    static func yamlErrorMessage(_ error: Error) -> String {
        guard let yamlError = error as? YamlError else { return "YAML error: \(error)" }
        switch yamlError {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            guard let context else { return "YAML syntax error: \(problem)" }
            return "YAML syntax error: \(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate key \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")): each key may appear only once in a mapping"
        case .reader(let problem, _, _, _):
            return "YAML error: \(problem)"
        default:
            return "YAML error: \(yamlError)"
        }
    }
}
