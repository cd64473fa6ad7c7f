// PortalSessionCookie: the one cookie the portal sets: `__Host-sealgate`, the server-side session's
// id, Secure, HttpOnly, SameSite=Strict, Path=/ and no Domain (the __Host- prefix requires both).

import Foundation
import HTTPTypes
import Hummingbird

enum PortalSessionCookie {
    static let name = "__Host-sealgate"

    /// The Set-Cookie value for `session` (a session cookie: no Max-Age, the server expires it).
    static func set(_ session: PortalSessionID) -> String {
        "\(name)=\(session.text); Path=/; Secure; HttpOnly; SameSite=Strict"
    }

    /// The Set-Cookie value that removes it.
    static let clear = "\(name)=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"

    /// The session named by the request's cookie, if any (a session id is base32: anything else is ignored).
    static func session(of request: Request) -> PortalSessionID? {
        for header in request.headers[values: PortalHeader.cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasPrefix(name + "=") else { continue }
                let value = String(trimmed.dropFirst(name.count + 1))
                guard !value.isEmpty, value.count <= 64,
                      value.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("2"..."7").contains($0) })
                else { return nil }
                return PortalSessionID(text: value)
            }
        }
        return nil
    }
}
