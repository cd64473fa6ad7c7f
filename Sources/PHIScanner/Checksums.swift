// Checksums: Luhn (cards, and NPIs with the 80840 prefix) and the DEA registration check digit.
// Inputs are digit values 0...9, never characters.

enum Checksums {
    /// Luhn over digit values, the last one being the check digit.
    static func luhn<C: BidirectionalCollection>(_ digits: C) -> Bool where C.Element == UInt8 {
        var sum = 0, double = false
        for d in digits.reversed() {
            var v = Int(d)
            if double { v *= 2; if v > 9 { v -= 9 } }
            sum += v
            double.toggle()
        }
        return sum % 10 == 0
    }

    /// CMS NPI check digit: Luhn over "80840" followed by the 10 NPI digits.
    static func npi(_ digits: [UInt8]) -> Bool {
        guard digits.count == 10 else { return false }
        return luhn([8, 0, 8, 4, 0] + digits)
    }

    /// DEA: (d1+d3+d5) + 2*(d2+d4+d6), last digit equals d7.
    static func dea(_ d: [UInt8]) -> Bool {
        guard d.count == 7 else { return false }
        let s = Int(d[0]) + Int(d[2]) + Int(d[4]) + 2 * (Int(d[1]) + Int(d[3]) + Int(d[5]))
        return s % 10 == Int(d[6])
    }
}
