public import DomainKit
import EventLog
import Foundation
public import JSON
import Synchronization

/// `prices.price-reported` on `market-<marketId>`: the price of one unit of a commodity at a
/// market on a day. `price` is positive with at most 4 fraction digits, in `currency`
/// (ISO 4217, IDR for Mataram's markets).
public struct PriceReported: Payload, Equatable {
    public var marketId, commodityId, unit: String
    public var price: Price
    public var currency = "IDR"
    public var priceType = PriceType.retail
    public var observedOn: CivilDate
    public var reporter, source: String

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "marketId", "commodityId": .identifier
        case "price": PricesFields.price
        case "currency": PricesFields.currency
        case "observedOn": PricesFields.date
        case "priceType": nil
        default: PricesFields.text
        }
    }
}

/// `prices.price-corrected` on the market's stream: replaces the price of an earlier
/// `prices.price-reported` event of the same market (named by its event id) in every view.
/// The original report stays in the log.
public struct PriceCorrected: Payload, Equatable {
    /// The event id of the corrected report, as written (a UUID; see `correctedReport`).
    public var correctsEventId: String
    public var price: Price
    public var reason: String

    /// The corrected report's id in lower case, as views key reports.
    public var correctedReport: String { correctsEventId.lowercased() }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "correctsEventId": PricesFields.eventID
        case "price": PricesFields.price
        default: PricesFields.reason
        }
    }
}

extension PriceReported {
    /// The payload when it is plainly one a strict `read` accepts: an object of exactly the nine
    /// members, each passing every check `read` makes (its field's rule, the string limits, the
    /// number policy), read without `Codable`'s containers (a price report is most of a large
    /// log). Nil for anything else, which the caller leaves to `read` (and its refusals): this
    /// never refuses what `read` accepts, and never accepts what it refuses.
    static func plainlyValid(_ value: JSONValue) -> PriceReported? {
        guard case .object(let members) = value, members.count == 9 else { return nil }
        var plain = PlainMembers()
        for (key, v) in members {
            var key = key
            let taken = key.withUTF8 { name in
                // The price is a number, every other member a string.
                guard let member = PlainMembers.Member(named: name) else { return false }
                switch v {
                case .number(let d) where member == .price: return plain.take(price: d)
                case .string(let s) where member != .price: return plain.take(member, PlainMembers.made(member, text: s))
                default: return false
                }
            }
            guard taken else { return nil }
        }
        return plain.report
    }

    /// As `plainlyValid(_:)`, straight from the payload's bytes as the log stores them, without
    /// parsing them into a `JSONValue` first: an object of exactly the nine members, no
    /// whitespace, strings without escapes, the price a plain decimal of at most 4 fraction
    /// digits. Nil for anything else (the caller parses it and asks `plainlyValid(_:)`, then
    /// `read`). What this reads, `JSONParser` reads alike (valid UTF-8, no control character, no
    /// member twice, a number rounded as `strtod`), and each field passes the same checks as in
    /// `plainlyValid(_:)` (`PlainMembers`): this too never accepts what `read` refuses.
    /// `ahead`: read on the thread that decodes ahead of a rebuild's folds, which keeps its own
    /// `ReadMembers` (`ReadMembers.ahead`).
    static func plainlyValid(bytes: [UInt8], ahead: Bool = false) -> PriceReported? {
        let recent = ahead ? ReadMembers.ahead : ReadMembers.shared
        var plain = PlainMembers()
        let read = PlainObject.forEachMember(bytes) { name, value in
            // The price is a number of at most 4 fraction digits, every other member a string.
            guard let member = PlainMembers.Member(named: name) else { return false }
            switch value {
            case .number(let digits) where member == .price && PlainObject.fractionDigits(digits) <= 4:
                return plain.take(member, recent.made(member, digits))
            case .string(let text) where member != .price:
                return plain.take(member, recent.made(member, text))
            default:
                return false
            }
        }
        return read ? plain.report : nil
    }
}

/// The nine members of a plain price report as a reader takes them, each once, each through its
/// field's checks (`PlainField`): the one place both readers of plain reports (`plainlyValid`)
/// decide what a member may be.
private struct PlainMembers {
    var marketId, commodityId, unit, currency, reporter, source: String?
    var price: Price?
    var priceType: PriceType?
    var observedOn: CivilDate?

    /// A member of a report, by its name.
    enum Member: UInt8 {
        case marketId, commodityId, unit, currency, reporter, source, priceType, observedOn, price

        /// The member named by the UTF-8 `name`, compared with `memcmp` (a generic comparison of
        /// the bytes was a tenth of the time of reading a stored report).
        init?(named name: UnsafeBufferPointer<UInt8>) {
            switch name.count {
            case 4 where PlainObject.name(name, is: "unit"): self = .unit
            case 5 where PlainObject.name(name, is: "price"): self = .price
            case 6 where PlainObject.name(name, is: "source"): self = .source
            case 8 where PlainObject.name(name, is: "marketId"): self = .marketId
            case 8 where PlainObject.name(name, is: "currency"): self = .currency
            case 8 where PlainObject.name(name, is: "reporter"): self = .reporter
            case 9 where PlainObject.name(name, is: "priceType"): self = .priceType
            case 10 where PlainObject.name(name, is: "observedOn"): self = .observedOn
            case 11 where PlainObject.name(name, is: "commodityId"): self = .commodityId
            default: return nil
            }
        }
    }

    /// What a member's value is once checked (`made`): a function of the member and its value
    /// alone, so the reader of stored bytes keeps it for values it meets again (`ReadMembers`).
    enum Made: Sendable {
        case text(String)
        case priceType(PriceType)
        case day(CivilDate)
        case price(Price)
        /// Not plainly valid for the member.
        case refused
    }

    /// The rules of the string fields, looked up once (`PriceReported.rule(forKey:)`).
    static let rules = (
        marketId: PriceReported.rule(forKey: "marketId"), commodityId: PriceReported.rule(forKey: "commodityId"),
        unit: PriceReported.rule(forKey: "unit"), currency: PriceReported.rule(forKey: "currency"),
        observedOn: PriceReported.rule(forKey: "observedOn"), reporter: PriceReported.rule(forKey: "reporter"),
        source: PriceReported.rule(forKey: "source")
    )

    /// What the text `s` is as `member` (a price is a number, never text).
    static func made(_ member: Member, text s: String) -> Made {
        let rules = Self.rules
        func checked(_ rule: JSONFieldRule?) -> Made { PlainField.string(s, rule).map { .text($0) } ?? .refused }
        switch member {
        case .marketId: return checked(rules.marketId)
        case .commodityId: return checked(rules.commodityId)
        case .unit: return checked(rules.unit)
        case .currency: return checked(rules.currency)
        case .reporter: return checked(rules.reporter)
        case .source: return checked(rules.source)
        case .priceType: return PriceType(rawValue: s).map { .priceType($0) } ?? .refused
        case .observedOn:
            guard case .text(let written) = checked(rules.observedOn), let day = CivilDate(written) else { return .refused }
            return .day(day)
        case .price: return .refused
        }
    }

    /// What the number `d` is as the price.
    static func made(price d: Double) -> Made { PlainField.price(d).map { .price($0) } ?? .refused }

    /// What a member's stored bytes are: the price's digits (a plain decimal), another member's
    /// text without its quotes (no escape).
    static func made(_ member: Member, bytes: UnsafeBufferPointer<UInt8>) -> Made {
        if member == .price { return Double(String(decoding: bytes, as: UTF8.self)).map(made(price:)) ?? .refused }
        return String(validating: bytes, as: UTF8.self).map { made(member, text: $0) } ?? .refused
    }

    /// Takes `made` as `member`; false when the member is taken already or `made` is refused
    /// (or not of the member's kind).
    mutating func take(_ member: Member, _ made: Made) -> Bool {
        func into<T>(_ slot: inout T?, _ value: T) -> Bool {
            guard slot == nil else { return false }
            slot = value
            return true
        }
        switch (member, made) {
        case (.marketId, .text(let s)): return into(&marketId, s)
        case (.commodityId, .text(let s)): return into(&commodityId, s)
        case (.unit, .text(let s)): return into(&unit, s)
        case (.currency, .text(let s)): return into(&currency, s)
        case (.reporter, .text(let s)): return into(&reporter, s)
        case (.source, .text(let s)): return into(&source, s)
        case (.priceType, .priceType(let t)): return into(&priceType, t)
        case (.observedOn, .day(let d)): return into(&observedOn, d)
        case (.price, .price(let p)): return into(&price, p)
        default: return false
        }
    }

    /// Takes the price; false when it is there already or not a plain price.
    mutating func take(price d: Double) -> Bool { take(.price, Self.made(price: d)) }

    /// The report, when all nine members were taken.
    var report: PriceReported? {
        guard let marketId, let commodityId, let unit, let price, let currency, let priceType, let observedOn, let reporter, let source
        else { return nil }
        return PriceReported(
            marketId: marketId, commodityId: commodityId, unit: unit, price: price, currency: currency, priceType: priceType,
            observedOn: observedOn, reporter: reporter, source: source)
    }
}

/// The members the reader of stored reports checked lately, by member and value bytes: a log's
/// reports repeat few values (a city's markets, commodities, units, enumerators, dates and
/// prices), so each is checked and made into a `String` (or a day, a price) once, not once per
/// report. What a slot holds is `PlainMembers.made` of exactly its member and bytes (compared
/// in full), so a report reads the same with or without it. A fixed number of slots, each
/// replaced by the next value that hashes to it; safe from any thread (a lock per group of
/// slots: the thread that decodes ahead and the folds seldom wait for each other).
private final class ReadMembers: Sendable {
    /// What a slot was made from: plain values only (the bytes are the stripe's own copy), so
    /// that finding a slot takes no reference count; only a hit copies out what it made.
    struct Key: @unchecked Sendable {
        var member: PlainMembers.Member
        var hash: UInt64
        var bytes: UnsafeMutableBufferPointer<UInt8>
    }

    /// A stripe's slots: the keys, and what each made (one entry per slot in both).
    struct Slots: ~Copyable, Sendable {
        var keys: [Key?]
        var made: [PlainMembers.Made]

        deinit { for case let key? in keys { key.bytes.deallocate() } }
    }

    final class Stripe: Sendable {
        // The bytes a key points to are its stripe's alone, read and replaced under its lock.
        let slots = Mutex<Slots>(
            Slots(
                keys: Array(repeating: nil, count: ReadMembers.slotsPerStripe),
                made: Array(repeating: .refused, count: ReadMembers.slotsPerStripe)))
    }

    static let stripeCount = 64
    static let slotsPerStripe = 128
    static let shared = ReadMembers()
    /// The members of the thread that decodes ahead of a rebuild's folds: each thread retains the
    /// strings it takes from here once per report, and strings two threads retain at once made
    /// each retain a transfer of their cache line between the cores (a sixth of that thread's
    /// time at 10 million events).
    static let ahead = ReadMembers()

    private let stripes: [Stripe] = (0..<ReadMembers.stripeCount).map { _ in Stripe() }

    /// A hash of the member and its bytes, eight bytes at a time (multiply and fold, FNV-1a for
    /// the last few): a slot is found by it, and its bytes are still compared in full.
    static func hash(_ member: PlainMembers.Member, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(member.rawValue) ^ (UInt64(bytes.count) << 8)
        var at = 0
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            while at + 8 <= bytes.count {
                let word = base.loadUnaligned(fromByteOffset: at, as: UInt64.self)
                hash = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
                hash ^= hash >> 29
                at += 8
            }
        }
        while at < bytes.count {
            hash = (hash ^ UInt64(bytes[at])) &* 0x100_0000_01b3
            at += 1
        }
        return hash ^ (hash >> 32)
    }

    /// `PlainMembers.made(member, bytes:)`: kept, or made (then kept).
    func made(_ member: PlainMembers.Member, _ bytes: UnsafeBufferPointer<UInt8>) -> PlainMembers.Made {
        let hash = Self.hash(member, bytes)
        let stripe = stripes[Int(truncatingIfNeeded: hash % UInt64(Self.stripeCount))]
        let at = Int(truncatingIfNeeded: (hash >> 32) % UInt64(Self.slotsPerStripe))
        let kept = stripe.slots.withLock { slots -> PlainMembers.Made? in
            guard let key = slots.keys[at], key.hash == hash, key.member == member, key.bytes.count == bytes.count,
                bytes.isEmpty || memcmp(key.bytes.baseAddress!, bytes.baseAddress!, bytes.count) == 0
            else { return nil }
            return slots.made[at]
        }
        if let kept { return kept }
        let made = PlainMembers.made(member, bytes: bytes)
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = copy.initialize(from: bytes)
        stripe.slots.withLock { slots in
            slots.keys[at]?.bytes.deallocate()
            slots.keys[at] = Key(member: member, hash: hash, bytes: copy)
            slots.made[at] = made
        }
        return made
    }
}

/// The checks `JSONValueDecoder` makes of a price field, beside `PlainField`'s of strings.
extension PlainField {
    /// A price as the decoder reads it: a number the payload policy allows, passing the price
    /// rule, with at most 4 fraction digits within the limit.
    static func price(_ d: Double) -> Price? {
        guard PayloadPolicy.refusalReason(for: d) == nil else { return nil }
        if let check = PricesFields.price.checkNumber, check(d) != nil { return nil }
        return Price(exactly: d)
    }
}
