// libFuzzer target `config`: the configuration file parser.
// The input logic is Gateway's ConfigFuzzEntry, which the corpus replay test runs too.

import Gateway

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = ConfigFuzzEntry.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
