// libFuzzer target `smtp-server`: the SMTP server state machine (framer, command parser, transactions).
// The input logic is SMTPProtocol's SMTPServerFuzzEntry, which the corpus replay test runs too.

import SMTPProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = SMTPServerFuzzEntry.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
