// libFuzzer target `pgp-input`: the OpenPGP key inspector over untrusted bytes.
// The input logic is MessageCrypto's PGPInputFuzzEntry, which the corpus replay test runs too.

import MessageCrypto

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = PGPInputFuzzEntry.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
