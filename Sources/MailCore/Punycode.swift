// Punycode (RFC 3492) for IDN labels: converts between U-labels and the part of an A-label
// after "xn--". Bootstring parameters are the ones RFC 3492 §5 fixes for IDNA.

enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN: UInt32 = 128

    private static func adapt(_ delta: Int, _ numPoints: Int, _ first: Bool) -> Int {
        var d = first ? delta / damp : delta / 2
        d += d / numPoints
        var k = 0
        while d > ((base - tMin) * tMax) / 2 { d /= base - tMin; k += base }
        return k + (base - tMin + 1) * d / (d + skew)
    }

    private static func digit(_ d: Int) -> Character {
        Character(Unicode.Scalar(UInt8(d < 26 ? d + 97 : d + 22)))
    }

    private static func value(of c: Unicode.Scalar) -> Int? {
        switch c.value {
        case 48...57: return Int(c.value) - 22
        case 65...90: return Int(c.value) - 65
        case 97...122: return Int(c.value) - 97
        default: return nil
        }
    }

    static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map(\.value)
        var output = String(String.UnicodeScalarView(input.unicodeScalars.filter(\.isASCII)))
        let basicCount = output.unicodeScalars.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        while handled < scalars.count {
            guard let m = scalars.filter({ $0 >= n }).min() else { return nil }
            let (mul, overflow) = Int(m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow else { return nil }
            delta += mul
            n = m
            for c in scalars {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta, k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return output
    }

    static func decode(_ input: String) -> String? {
        var scalars = Array(input.unicodeScalars)
        var output: [UInt32] = []
        if let dash = scalars.lastIndex(of: "-") {
            guard scalars[..<dash].allSatisfy(\.isASCII) else { return nil }
            output = scalars[..<dash].map(\.value)
            scalars = Array(scalars[(dash + 1)...])
        }
        var n = initialN, i = 0, bias = initialBias, pos = 0
        while pos < scalars.count {
            let oldI = i
            var w = 1, k = base
            while true {
                guard pos < scalars.count, let d = value(of: scalars[pos]) else { return nil }
                pos += 1
                let (dw, o1) = d.multipliedReportingOverflow(by: w)
                guard !o1 else { return nil }
                i += dw
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if d < t { break }
                w *= base - t
                k += base
            }
            bias = adapt(i - oldI, output.count + 1, oldI == 0)
            n += UInt32(i / (output.count + 1))
            i %= output.count + 1
            guard Unicode.Scalar(n) != nil else { return nil }
            output.insert(n, at: i)
            i += 1
        }
        var s = ""
        for v in output { guard let u = Unicode.Scalar(v) else { return nil }; s.unicodeScalars.append(u) }
        return s
    }
}
