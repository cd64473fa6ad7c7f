// libFuzzer target `dns-answer`: DNS answer handling (record data from wire bytes).
// The input logic is DNS's DNSAnswerFuzzEntry, which the corpus replay test runs too.

import DNS

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = DNSAnswerFuzzEntry.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
