// One fuzz input for the client's reply parser: the bytes fed whole and again cut up; shared by
// the libFuzzer target (Tests/Fuzz) and the corpus replay test.

import MailCore
import NIOCore

public enum ClientReplyFuzzEntry {
    public struct Outcome: Sendable, Equatable {
        public var replies: [SMTPReply] = []
        public var error: ClientReplyError?
    }

    /// Traps if the cut feed parses differently from the whole one, or a reply has a code
    /// outside 200-599 or no line.
    public static func run(_ bytes: [UInt8]) -> Outcome {
        let whole = parse([bytes[...]])
        let cut = parse(FuzzCuts.chunks(bytes, seed: FuzzCuts.hash(bytes)))
        // A throwing feed drops the replies of its own chunk, so compare those only without error.
        precondition(whole.error == cut.error, "the error depends on where the input was cut")
        if whole.error == nil { precondition(whole == cut, "replies depend on where the input was cut") }
        for reply in cut.replies {
            precondition((200...599).contains(reply.code) && !reply.lines.isEmpty, "impossible reply \(reply)")
        }
        return cut
    }

    static func parse(_ chunks: [ArraySlice<UInt8>]) -> Outcome {
        var parser = ClientReplyParser(maxLineLength: 512, maxLines: 20)
        var outcome = Outcome()
        for chunk in chunks {
            var buffer = ByteBuffer(bytes: chunk)
            do {
                outcome.replies += try parser.feed(&buffer)
            } catch let error as ClientReplyError {
                outcome.error = error
                return outcome
            } catch {
                preconditionFailure("unexpected error \(error)")
            }
        }
        return outcome
    }
}
