// Where the fuzz entries cut their input: chunk lengths drawn from a hash of the bytes, so a
// corpus file replays the same cuts every time and a mutation moves them.

public enum FuzzCuts {
    /// FNV-1a of the bytes: picks the session flags and seeds the cut lengths.
    public static func hash(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// The bytes split into chunks of 1 to 64 bytes (lengths from an LCG seeded by `seed`).
    public static func chunks(_ bytes: [UInt8], seed: UInt64) -> [ArraySlice<UInt8>] {
        var state = seed | 1
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        while start < bytes.count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int((state >> 33) % 64) + 1
            let end = min(bytes.count, start + length)
            result.append(bytes[start..<end])
            start = end
        }
        return result
    }
}
