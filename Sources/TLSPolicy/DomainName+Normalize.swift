// Domain-name normalisation shared by the TLS policy code: lower case, no trailing dot.
// Every comparison of host or domain names in this target goes through here.

extension String {
    /// `Example.COM.` -> `example.com`. ASCII lower-casing only: names here are A-labels.
    public var normalizedDomain: String {
        var s = self.lowercased()
        while s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
