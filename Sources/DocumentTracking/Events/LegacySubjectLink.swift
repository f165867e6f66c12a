public import DomainKit
public import EventLog
public import JSON
public import PersonalData

/// The data of `privacy.legacy-subject-linked` (`DocumentEvents.legacySubjectLinked`): the
/// applications `receiptNumbers`, written before the vault with `applicant.nikHash` only, belong
/// to the vault's `subject` (made by `lumbung privacy migrate` under the blind index of their
/// `nikHash`, purpose `legacyNikHash`). Never the `nikHash` itself.
public struct LegacySubjectLink: Payload, Hashable {
    public var subject: String
    /// At least one; each a receipt number of an application from before the vault.
    public var receiptNumbers: [String]

    public init(subject: String, receiptNumbers: [String]) {
        (self.subject, self.receiptNumbers) = (subject, receiptNumbers)
    }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "subject":
            JSONFieldRule(
                expected: "a subject pseudonym", maxBytes: 40,
                checkString: { Vault.isPseudonym($0) ? nil : "must be a subject pseudonym (subj- and 24 hex digits)" })
        case "receiptNumbers": .list(max: 10_000, of: "an array of receipt numbers")
        default: nil
        }
    }

    /// The event to append (a system event, on stream `privacy-<subject>`).
    public func proposed() throws -> ProposedEvent {
        try ProposedEvent(stream: "privacy-\(subject)", type: DocumentEvents.legacySubjectLinked, value: json)
    }
}
