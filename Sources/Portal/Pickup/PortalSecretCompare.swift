// PortalSecretCompare: compares a secret the browser sent (CSRF token, code, revoke token) with the
// expected one in time that does not depend on where they differ (OWASP: no timing oracle).

enum PortalSecretCompare {
    static func equal(_ given: String, _ expected: String) -> Bool {
        PortalSeal.constantTimeEqual(Array(given.utf8), Array(expected.utf8))
    }
}
