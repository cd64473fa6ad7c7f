// libFuzzer target `mime`: the MIME parser, transfer and charset decoders and RFC 2047.
// The input logic is MIME's MIMEFuzzEntry, which the corpus replay test runs too.

import MIME

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = MIMEFuzzEntry.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
