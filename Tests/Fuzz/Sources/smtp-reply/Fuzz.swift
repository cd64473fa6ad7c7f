// libFuzzer target `smtp-reply`: the SMTP client's reply parser.
// The input logic is SMTPProtocol's ClientReplyFuzzEntry, which the corpus replay test runs too.

import SMTPProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = ClientReplyFuzzEntry.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
