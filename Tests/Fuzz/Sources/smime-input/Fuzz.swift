// libFuzzer target `smime-input`: the S/MIME certificate inspector over untrusted bytes.
// The input logic is MessageCrypto's SMIMEInputFuzzEntry, which the corpus replay test runs too.

import MessageCrypto

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = SMIMEInputFuzzEntry.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
