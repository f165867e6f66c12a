public import EventLog

/// A channel an applicant may choose at submission to hear of every status change.
public enum NotificationChannel: String, Sendable, Hashable, CaseIterable, Codable {
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

    /// The channels chosen at submission, checked against the contacts given. `notify` nil means
    /// every channel with a contact; a channel chosen without its contact, or a contact that is not
    /// an address, is refused naming the field (`applicant.email`, `applicant.phone`,
    /// `applicant.notify`).
    public static func channels(notify: [String]?, email: String?, phone: String?) throws(EventLogError) -> [NotificationChannel] {
        if let email, !isEmail(email) {
            throw EventLogError(.invalidInput, "applicant.email: bukan alamat e-mail", field: "applicant.email")
        }
        if let phone, indonesianMobile(phone) == nil {
            throw EventLogError(.invalidInput, "applicant.phone: bukan nomor ponsel Indonesia", field: "applicant.phone")
        }
        guard let notify else {
            return NotificationChannel.allCases.filter { $0 == .email ? email != nil : phone != nil }
        }
        var chosen: [NotificationChannel] = []
        for (i, name) in notify.enumerated() {
            guard let channel = NotificationChannel(rawValue: name) else {
                throw EventLogError(.invalidInput, "applicant.notify[\(i)]: saluran tidak dikenal", field: "applicant.notify[\(i)]")
            }
            let contact = channel == .email ? email : phone
            guard contact != nil else {
                let field = channel == .email ? "applicant.email" : "applicant.phone"
                throw EventLogError(.invalidInput, "\(field): wajib diisi untuk pemberitahuan \(name)", field: field)
            }
            if !chosen.contains(channel) { chosen.append(channel) }
        }
        return chosen
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
    }
}
