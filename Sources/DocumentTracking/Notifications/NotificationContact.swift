public import EventLog
public import JSON

/// A channel an applicant may choose at submission to hear of every status change.
public enum NotificationChannel: String, Sendable, Hashable, JSONEnumeration {
    /// E-mail over SMTP.
    case email
    /// A text message (SMS or WhatsApp) through the gateway's signed webhook.
    case sms
}

/// Checks of notification addresses. A refusal is `EventLogError(.invalidInput)` naming the field,
/// thrown before anything is written.
public enum NotificationContact {
    /// Whether `text` is an e-mail address: one `@`, a local part of 1-64 bytes of printable ASCII
    /// without spaces, quotes or brackets, and a domain of dot-separated labels (letters, digits,
    /// hyphens, not starting or ending with a hyphen) with at least one dot; 254 bytes at most.
    public static func isEmail(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard (1...64).contains(local.count), !domain.contains(UInt8(ascii: "@")) else { return false }
        let forbidden = Set(" \"(),:;<>[\\]".utf8)
        guard local.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !forbidden.contains($0) }),
            local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".")
        else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                && label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// The canonical form (`+62` followed by the subscriber number) of an Indonesian mobile number
    /// as a resident writes it (`0812-3456-7890`, `+62 812 3456 7890`, `62812...`); nil when it is
    /// not one. Mobile numbers start with `8` after the country code and have 9 to 12 digits there.
    public static func indonesianMobile(_ text: String) -> String? {
        var digits: [UInt8] = []
        for (i, b) in text.utf8.enumerated() {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(b)
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."): continue
            case UInt8(ascii: "+") where i == 0: continue
            default: return nil
            }
        }
        if digits.starts(with: Array("62".utf8)) {
            digits.removeFirst(2)
        } else if digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
        } else {
            return nil
        }
        guard digits.first == UInt8(ascii: "8"), (9...12).contains(digits.count) else { return nil }
        return "+62" + String(decoding: digits, as: UTF8.self)
    }

    /// The channels chosen at submission, checked against the contacts given: a channel twice, or
    /// chosen without its contact, or whose contact cannot be reached over it (an e-mail that is
    /// not an address, an SMS number that is not an Indonesian mobile) is refused naming the field
    /// (`applicant.notify[i]`, `applicant.email`, `applicant.phone`). Messages never repeat the
    /// contact.
    public static func check(notify: [NotificationChannel], email: String?, phone: String?) throws(EventLogError) {
        for (i, channel) in notify.enumerated() {
            if notify[..<i].contains(channel) {
                throw EventLogError(
                    .invalidInput, "applicant.notify[\(i)]: \(channel.rawValue) is chosen twice", field: "applicant.notify[\(i)]")
            }
            switch channel {
            case .email:
                guard let email else {
                    throw EventLogError(
                        .invalidInput, "applicant.email: is required to be notified by e-mail (applicant.notify[\(i)])",
                        field: "applicant.email")
                }
                guard isEmail(email) else {
                    throw EventLogError(
                        .invalidInput, "applicant.email: is not an address an e-mail can be sent to", field: "applicant.email")
                }
            case .sms:
                guard let phone else {
                    throw EventLogError(
                        .invalidInput, "applicant.phone: is required to be notified by SMS (applicant.notify[\(i)])",
                        field: "applicant.phone")
                }
                guard indonesianMobile(phone) != nil else {
                    throw EventLogError(
                        .invalidInput, "applicant.phone: is not an Indonesian mobile number (08... or +628..., 9 to 12 digits after 8)",
                        field: "applicant.phone")
                }
            }
        }
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
    }
}
