// FindingCollector: turns candidates into findings for one part, one finding per distinct value
// (the highest confidence wins), in the order they were first seen.

import MailCore

struct FindingCollector {
    let part: String
    private(set) var findings: [Finding] = []
    private var index = [Key: Int](minimumCapacity: 64)

    private struct Key: Hashable {
        var type: PHIType
        var value: String
    }

    init(part: String) { self.part = part }

    mutating func add(_ c: Candidate) {
        let key = Key(type: c.type, value: c.value)
        if let k = index[key] {
            if c.confidence > findings[k].confidence { findings[k].confidence = c.confidence }
            return
        }
        index[key] = findings.count
        findings.append(Finding(type: c.type, sample: c.sample, part: part, confidence: c.confidence))
    }
}
