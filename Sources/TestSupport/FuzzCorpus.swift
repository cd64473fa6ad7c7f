// The fuzz seed corpora (Tests/Fuzz/Corpus/TARGET) for the replay tests, found from this file's
// place in the tree; each input with its file name, in name order.

import Foundation

public struct FuzzCorpus {
    public struct Input {
        public let name: String
        public let bytes: [UInt8]
    }

    /// Every file of `target`'s corpus; throws when the directory is missing.
    public static func inputs(_ target: String) throws -> [Input] {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.appendingPathComponent("Tests/Fuzz/Corpus").appendingPathComponent(target)
        var inputs: [Input] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
            inputs.append(Input(name: name, bytes: try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))))
        }
        return inputs
    }
}
