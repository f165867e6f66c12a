public import DomainKit
import EventLog
public import JSON

/// The rules of document tracking's fields, shared by its event payloads and command bodies.
extension JSONFieldRule {
    /// A receipt number in its canonical form, as events carry it.
    static let receiptNumber = JSONFieldRule(
        expected: "a receipt number such as MTR-7GQ2K9XW4D",
        checkString: { s in
            ReceiptNumber.isValid(s)
                ? nil : "\"\(s.prefix(40))\" is not a receipt number (MTR- and 10 characters of Crockford base32, made by the server)"
        })

    /// A receipt number as an officer may type it (`ReceiptNumber.normalize` reads it).
    static let typedReceiptNumber = JSONFieldRule(
        expected: "a receipt number such as MTR-7GQ2K9XW4D",
        checkString: { s in
            ReceiptNumber.normalize(s) != nil ? nil : "\"\(s.prefix(40))\" is not a receipt number (MTR- and 10 characters)"
        })

    /// An `Office.id`.
    static let office = JSONFieldRule(
        expected: "an office id",
        checkString: { s in Office.named(s) != nil ? nil : "\"\(s.prefix(60))\" is not an office; known: \(Office.allowedList)" })

    /// A keyed hash (`DocumentSecrets`) of a secret that must never be stored itself (`NIK`, `PIN`).
    static func keyedHash(of secret: String) -> JSONFieldRule {
        JSONFieldRule(
            expected: "64 lower-case hex digits (an HMAC-SHA256)",
            checkString: { s in
                DocumentSecrets.isHash(s) ? nil : "must be 64 lower-case hex digits (an HMAC-SHA256), never the \(secret) itself"
            })
    }

    /// An applicant's NIK, in a command's body only (it reaches the log as its keyed hash). The
    /// messages never repeat it.
    static let nik = JSONFieldRule(
        expected: "a string of 16 digits",
        checkString: { s in
            let b = s.utf8
            guard b.allSatisfy({ (0x30...0x39).contains($0) }) else { return "a NIK has only digits (16 of them, as on the KTP-el or KK)" }
            guard b.count == 16 else { return "a NIK has 16 digits (as on the KTP-el or KK), this one has \(b.count)" }
            return nil
        })

    /// An applicant's name, in a command's body only (it reaches the log sealed): up to 200 bytes.
    static let personName = JSONFieldRule.text(maxBytes: 200)

    /// An applicant's phone number, in a command's body only (sealed in the log): 8 to 15 digits,
    /// an optional leading `+`, spaces and `-` between them. The messages never repeat it.
    static let phone = JSONFieldRule(
        expected: "a phone number such as 081234567890 or +6281234567890", maxBytes: 30,
        checkString: { s in
            var digits = 0
            for (i, b) in s.utf8.enumerated() {
                switch b {
                case 0x30...0x39: digits += 1
                case UInt8(ascii: "+") where i == 0: continue
                case UInt8(ascii: " "), UInt8(ascii: "-"): continue
                default: return "a phone number has only digits, a leading +, spaces and -"
                }
            }
            return (8...15).contains(digits) ? nil : "a phone number has 8 to 15 digits, this one has \(digits)"
        })

    /// An applicant's e-mail address, in a command's body only (sealed in the log): up to 254 bytes
    /// with one `@` and something on both sides.
    static let email = JSONFieldRule(
        expected: "an e-mail address", maxBytes: 254,
        checkString: { s in
            let parts = s.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !s.contains(" ") else {
                return "is not an e-mail address (one @, a domain with a dot, no spaces)"
            }
            return nil
        })

    /// Why a status changed: up to 500 bytes of free text, without personal data.
    static let reason = JSONFieldRule.freeText(maxBytes: 500)

    /// Who made a change (an officer's id): up to 100 bytes.
    /// An officer by key or role (`petugas-01`), never by name.
    static let officer = JSONFieldRule.reference(to: "officer", example: "petugas-01")
}

extension Payload {
    /// `read(value, root:)`, refusing first the members of `refused` (paths below `root`, e.g.
    /// `applicant.nik`) with their own reason: a NIK in clear, a receipt number or PIN that only the
    /// server makes. A command's body (root "") that is not an object is refused on field `body`.
    static func read(_ value: JSONValue, root: String, refusing refused: KeyValuePairs<String, String>) throws(EventLogError) -> Self {
        if root.isEmpty, value.objectValue == nil {
            throw EventLogError(.invalidInput, "body: must be a JSON object", field: "body")
        }
        for (path, reason) in refused {
            let keys = path.split(separator: ".").map(String.init)
            // A sealed object (`SealedValue`) under a refused name is not the clear value refused.
            guard let found = keys.reduce(value as JSONValue?, { $0?[$1] }), found.objectValue == nil else { continue }
            let field = root.isEmpty ? path : root + "." + path
            throw EventLogError(.invalidInput, "\(field): \(reason)", field: field)
        }
        return try read(value, root: root)
    }
}

/// A payload of document tracking's events: its fields' rules are by name, the same for a name in
/// every event.
public protocol DocumentPayload: Payload {}

extension DocumentPayload {
    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "receiptNumber": .receiptNumber
        case "office": .office
        case "pinHash": .keyedHash(of: "PIN")
        case "submittedAt", "changedAt", "reissuedAt": .time
        case "officer": .officer
        case "reason": .reason
        default: nil
        }
    }
}
