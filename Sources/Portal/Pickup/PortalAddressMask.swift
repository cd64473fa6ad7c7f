// PortalAddressMask: how the pages show where a code went without spelling the address out to
// whoever holds the link: the local part's first character, then `***`, then the domain.

import MailCore

enum PortalAddressMask {
    static func mask(_ address: MailAddress) -> String {
        let first = address.localPart.first.map(String.init) ?? ""
        return "\(first)***@\(address.domain)"
    }
}
