// libFuzzer target `policy`: the policy file parser.
// The input logic is Policy's PolicyFuzzEntry, which the corpus replay test runs too.

import Policy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = PolicyFuzzEntry.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
