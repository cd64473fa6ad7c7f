// ReloadSignal: SIGHUP means "reload", as for Postfix and most daemons. The handler runs on a
// dispatch queue, never in signal context.

import Dispatch
import Foundation

enum ReloadSignal {
    static func install(_ handler: @escaping @Sendable () -> Void) -> DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "sealgate.reload"))
        source.setEventHandler(handler: handler)
        source.resume()
        return source
    }
}
