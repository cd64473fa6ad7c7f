// RFC5322DateText: the Date field of portal mail, from the injected clock (never the host's clock
// directly), in the MIME target's RFC 5322 form.

import MailCore
import MIME

enum RFC5322DateText {
    static func now(_ clock: any WallClock) -> String { RFC5322Date.format(clock.now()) }
}
