// libFuzzer target `mta-sts`: the MTA-STS policy text parser.
// The input logic is TLSPolicy's MTASTSFuzzEntry, which the corpus replay test runs too.

import TLSPolicy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = MTASTSFuzzEntry.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
