import DomainKit
public import EventLog
public import JSON
public import PersonalData

/// Who gave a donation. `kind` is free text; the scenario uses `government`, `state-company`,
/// `company`, `ngo`, `community` and `individual`. An individual is shown in public as
/// `Donor.anonymous` unless `publicName` is true (they agreed to be named).
///
/// An individual's name is personal data (docs/privacy.md): in the log it is either the
/// anonymous label itself (`"Hamba Allah"`, a donor who gave anonymously: nothing personal) or
/// sealed (`SealedValue`, read as `donor.name`) under the donor's subject, which the vault finds by
/// the blind index of `id` (purpose `donor`). So an individual's donor in an event is
/// `{"kind":"individual","id","subject","name":{sealed},"publicName"?}`; the log's reader refuses
/// a clear name other than the anonymous label (`check`), on every door. Organisations' names stay
/// in clear. A command's body gives the name in clear (the server seals it, `sealed(in:)`).
public struct Donor: AidPayload, Hashable {
    public var name: DonorName
    public var kind: String
    /// Whether an individual donor agreed to be named in public (absent: no).
    public var publicName: Bool?
    /// The donor's id (an identifier such as `DR-2026-7K3M9Q2X`), stable across their donations:
    /// what the vault's `donor` blind index finds the subject by. Made by the server for an
    /// individual whose body names none; optional for organisations.
    public var id: String?
    /// The donor's subject pseudonym: with a sealed `name` (an individual), and only then.
    public var subject: String?

    public init(name: String, kind: String, publicName: Bool? = nil, id: String? = nil) {
        self.init(name: .clear(name), kind: kind, publicName: publicName, id: id)
    }

    public init(name: DonorName, kind: String, publicName: Bool? = nil, id: String? = nil, subject: String? = nil) {
        (self.name, self.kind, self.publicName, self.id, self.subject) = (name, kind, publicName, id, subject)
    }

    /// The name public views show for an individual who did not agree to be named.
    public static let anonymous = "Hamba Allah"
    /// The `kind` of a person (whose name is sealed).
    public static let individual = "individual"
    /// What a sealed name shows once its subject was forgotten.
    public static let erased = "[dihapus]"
    /// The payload path of a sealed name (the associated data of its seal).
    public static let nameField = "donor.name"

    /// Whether the donor is a person (`kind: individual`).
    public var isIndividual: Bool { kind == Self.individual }

    /// The name public views, pages and exports show without the vault: `anonymous` for an
    /// `individual` without `publicName: true` (or whose name is sealed), else the name.
    public var publicLabel: String {
        guard !isIndividual || publicName == true, case .clear(let name) = name else { return Self.anonymous }
        return name
    }

    /// As public views keep it: an organisation or an anonymous individual by `publicLabel`; an
    /// individual who agreed to be named keeps the sealed name and subject (opened at query time by
    /// `publicLabel(opening:)`) and `publicName: true`. Never `id`, nor `publicName` otherwise.
    public var publicForm: Donor {
        if isIndividual, publicName == true, case .sealed = name {
            return Donor(name: name, kind: kind, publicName: true, subject: subject)
        }
        return Donor(name: publicLabel, kind: kind)
    }

    /// The name to show in public, opening a sealed name of an individual who agreed to be named
    /// with `open` (nil: no vault here, shown as `anonymous`).
    public func publicLabel(opening open: ((SealedValue) -> String)?) -> String {
        guard isIndividual, publicName == true, case .sealed(let sealed) = name else { return publicLabel }
        return open?(sealed) ?? Self.anonymous
    }

    /// The donor as the log will hold it: an individual named in clear, with an `id`, gets their
    /// name sealed in `vault` under the subject of `id`'s blind index (made when there is none).
    /// Others are returned as they are.
    public func sealed(in vault: Vault) throws -> Donor {
        guard isIndividual, case .clear(let clear) = name, let id else { return self }
        let (subject, values) = try vault.sealCreating(.donor, id, [(field: Self.nameField, value: clear)])
        return Donor(name: .sealed(values[0]), kind: kind, publicName: publicName, id: id, subject: subject)
    }

    /// The donor as an event may hold it (errors name `data.donor.` fields): an individual's name
    /// is sealed (with `subject` and `id`, the name sealed under that subject) or the anonymous
    /// label; an organisation's name is clear and it has no subject.
    func check() throws(EventLogError) {
        switch (isIndividual, name) {
        case (true, .clear(let clear)):
            guard clear == Self.anonymous else {
                throw EventLogError(
                    .invalidInput,
                    "data.donor.name: an individual donor's name must never be stored in clear; send it sealed (donor.id and donor.subject with a sealed donor.name), or \"\(Self.anonymous)\"",
                    field: "data.donor.name")
            }
            guard subject == nil else {
                throw EventLogError(.invalidInput, "data.donor.subject: only with a sealed name", field: "data.donor.subject")
            }
        case (true, .sealed(let sealed)):
            guard let subject else {
                throw EventLogError(.invalidInput, "data.donor.subject: is required with a sealed name", field: "data.donor.subject")
            }
            guard id != nil else {
                throw EventLogError(
                    .invalidInput, "data.donor.id: is required with a sealed name (the subject's identifier)", field: "data.donor.id")
            }
            guard sealed.subject == subject else {
                throw EventLogError(
                    .invalidInput, "data.donor.name.subject: must be the donor's subject \(subject)", field: "data.donor.name.subject")
            }
        case (false, .sealed):
            throw EventLogError(
                .invalidInput, "data.donor.name: an organisation's name is kept in clear (only an individual's is sealed)",
                field: "data.donor.name")
        case (false, .clear):
            guard subject == nil else {
                throw EventLogError(.invalidInput, "data.donor.subject: only an individual has a subject", field: "data.donor.subject")
            }
        }
    }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "kind": .text(maxBytes: AidLimits.kind)
        case "id": .identifier
        case "subject":
            JSONFieldRule(
                expected: "a subject pseudonym", maxBytes: 40,
                checkString: { Vault.isPseudonym($0) ? nil : "must be a subject pseudonym (subj- and 24 hex digits)" })
        default: AidFields.rule(forKey: key)
        }
    }
}

/// A donor's name: in clear (an organisation, the anonymous label, or a command's body), or sealed
/// under the donor's subject (an individual, in the log). Read from a string or a sealed object.
public enum DonorName: Codable, Sendable, Hashable, ExpressibleByStringLiteral {
    case clear(String)
    case sealed(SealedValue)

    public init(stringLiteral value: String) { self = .clear(value) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        // An object is a sealed value; anything else is read as text (so that a name too long or
        // with control characters is refused as text, naming what is wrong with it).
        if case .object? = try? c.decode(JSONValue.self) {
            self = .sealed(try c.decode(SealedValue.self))
        } else {
            self = .clear(try c.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .clear(let text): try c.encode(text)
        case .sealed(let sealed): try c.encode(sealed)
        }
    }

    /// The name in clear, nil when sealed.
    public var clearText: String? {
        if case .clear(let text) = self { return text }
        return nil
    }
}

/// A quantity of one item in one unit (a donation's line, or a request's).
public struct ItemQuantity: AidPayload, Hashable {
    public var item, unit: String
    /// Positive.
    public var quantity: Int
    /// A donation's item: the last day the lot may be handed out (`YYYY-MM-DD`). Required for an
    /// item the catalog says expires, refused for one it says does not, and on requests.
    public var expiresOn: String?
}

/// How much of a line comes from one lot (a lot is a donation: `donationId`).
public struct LotQuantity: AidPayload, Hashable {
    public var donationId: String
    /// Positive.
    public var quantity: Int
}

/// A line of a shipment or a distribution: an item, a quantity, and the lots it is taken from
/// (their quantities sum to `quantity`).
public struct LotLine: AidPayload, Hashable {
    public var item, unit: String
    public var quantity: Int
    public var lots: [LotQuantity]
    /// Why the lots were taken out of first-expiry-first-out order (an earlier-expiring lot of the
    /// item was left in stock): without it, such a line is refused.
    public var reason: String?
}

/// A line of a shipment's receipt: how much of one lot of one item arrived.
public struct ReceivedLine: AidPayload, Hashable {
    public var item, unit, donationId: String
    /// Positive; a lot that did not arrive at all is left out.
    public var quantity: Int
}

extension Donor {
    /// What the public read side opens sealed donor names with: the name opened in `vault`;
    /// `Donor.erased` once its subject was forgotten; `Donor.anonymous` when this vault holds no
    /// key for it without having forgotten it (a read replica's vault) or it does not open.
    public static func nameOpener(_ vault: Vault) -> @Sendable (SealedValue) -> String {
        { sealed in
            switch try? vault.open(sealed, field: nameField) {
            case .value(let name)?: name
            case .erased?: (try? vault.isForgotten(sealed.subject)) == true ? erased : anonymous
            case nil: anonymous
            }
        }
    }
}
