// The users file format: a small JSON document, {"version": 1, "users": [{name, password,
// addresses}]}, where password is the PBKDF2 hash string. Decoding validates every entry.
import Foundation
import MailCore

struct UserFile: Codable, Equatable {
    struct Entry: Codable, Equatable {
        var name: String
        var password: String
        var addresses: [String]
    }

    static let currentVersion = 1
    var version: Int = UserFile.currentVersion
    var users: [Entry] = []

    static func decode(_ data: Data, path: String) throws -> UserFile {
        let file: UserFile
        do {
            file = try JSONDecoder().decode(UserFile.self, from: data)
        } catch {
            throw UserStoreError.malformed(path: path, reason: "not a users JSON document (\(error))")
        }
        guard file.version == currentVersion else {
            throw UserStoreError.malformed(path: path, reason: "unsupported version \(file.version)")
        }
        var seen = Set<String>()
        for entry in file.users {
            guard seen.insert(entry.name).inserted else {
                throw UserStoreError.malformed(path: path, reason: "user '\(entry.name)' appears twice")
            }
            _ = try addresses(of: entry, path: path)
        }
        return file
    }

    func encode() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    static func addresses(of entry: Entry, path: String) throws -> [MailAddress] {
        try entry.addresses.map { text in
            do { return try MailAddressParser.parse(text, allowUTF8: true) } catch {
                throw UserStoreError.malformed(path: path, reason: "user '\(entry.name)': bad address '\(text)': \(error)")
            }
        }
    }
}
