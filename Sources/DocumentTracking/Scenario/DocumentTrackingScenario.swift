public import Crypto
public import DomainKit
public import EventLog
import Foundation
public import PersonalData

/// Document tracking's part of the 2018 scenario of Kota Mataram.
///
/// After the Lombok earthquakes (29 July, the M6.9 of 5 August, 9 and 19 August 2018) residents
/// came to the Dukcapil office and the six kantor kecamatan (or applied online) to replace lost
/// KTP-el, Kartu Keluarga and akta. From 2 July (a normal month, for contrast) to 28 September
/// 2018, applications arrive on workdays at the counters and any day online; from 6 August the
/// volume surges and the offices slow down (staff affected, the 2018 shortage of KTP-el blanks),
/// so a realistic share goes over the SLA. Applications move through the lifecycle in office
/// hours (08:00-16:00 WITA, Monday to Friday, not on 17 August, 22 August or 11 September); some
/// get a revision request (a missing police report of the loss, an unreadable KK copy), a few are
/// rejected, most reach `ready` and are collected, and the newest are still in process when the
/// scenario ends on 30 September 2018.
///
/// Deterministic: everything comes from `seed` (SplitMix64, per application), so application `i`
/// has the same receipt number, PIN and NIK at every scale (`scenarioPIN(seed:index:)`). NIKs are
/// synthetic 16-digit numbers starting with 5271 (Kota Mataram), never real, and reach the log
/// only as keyed hashes. Event ids are derived from the seed too.
public enum DocumentTrackingScenario {
    /// First day of applications (local WITA day numbers) and the last.
    static let firstDay = ScenarioCalendar.dayNumber(2018, 7, 2)
    static let lastDay = ScenarioCalendar.dayNumber(2018, 9, 28)
    /// The days the scenario's volumes and office load change: the 29 July quake, the M6.9 of
    /// 5 August (offices reopen on the 6th), the weeks after, the return to normal.
    static let jul29 = ScenarioCalendar.dayNumber(2018, 7, 29)
    static let aug6 = ScenarioCalendar.dayNumber(2018, 8, 6)
    static let aug13 = ScenarioCalendar.dayNumber(2018, 8, 13)
    static let aug20 = ScenarioCalendar.dayNumber(2018, 8, 20)
    static let sep1 = ScenarioCalendar.dayNumber(2018, 9, 1)
    static let sep10 = ScenarioCalendar.dayNumber(2018, 9, 10)
    /// Nothing happens after this instant (2018-09-30 23:59 WITA).
    public static let end = Timestamp(
        millisecondsSince1970: ScenarioCalendar.at(day: ScenarioCalendar.dayNumber(2018, 9, 30), minutes: 23 * 60 + 59))

    /// One application as planned by the scenario, with the secrets a demo or a test needs (the
    /// log never sees them).
    public struct ScenarioApplication: Sendable, Equatable {
        public let index: Int
        public let receiptNumber, pin: String
        /// Synthetic (5271...), never a real person's.
        public let nik: String
        public let documentType: DocumentType
        public let office: String
        public let channel: ApplicationChannel
        public let submittedAt: Timestamp
        /// Status at the end of the scenario.
        public let finalStatus: ApplicationStatus
        /// Events of this application in the scenario (submission included).
        public let eventCount: Int
    }

    struct Change {
        var to: ApplicationStatus
        var reasonCode: ReasonCode?
        var reason: String?
        var officer: String
        var at: Int64
    }

    struct Plan {
        var index: Int
        var receipt, pin, nik: String
        var documentType: DocumentType
        var office: String
        var channel: ApplicationChannel
        var submittedAt: Int64
        var changes: [Change]

        var finalStatus: ApplicationStatus { changes.last?.to ?? .submitted }
    }

    // MARK: Public entry points

    /// The scenario with hashes under `scenarioSecret(seed:)` (the uniform signature of the
    /// domains). Use `DocumentTrackingDomain.scenario(seed:scale:)` for a server whose PIN
    /// lookups must work.
    public static func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent] {
        scenario(seed: seed, scale: scale, secret: scenarioSecret(seed: seed))
    }

    /// The scenario's events in `occurredAt` order (ties: application, then its own order), NIK and
    /// PIN hashes made under `secret`. `scale` multiplies the number of applications (1.0: about
    /// 2,600 applications and 14,500 events).
    ///
    /// With a `vault` (the seeder's), about half of the applicants leave a synthetic e-mail address
    /// (`pemohon<i>@example.org`) and/or mobile number and choose to be notified
    /// (`contact(seed:index:)`): their NIK and contacts are sealed under a subject of their own, and
    /// each of their application's events is followed by its notifications' outcomes as the 2018
    /// worker would have recorded them: delivered a minute or two later, one text message in five
    /// after a failed first attempt (`http-503`). So the seeded outbox is all delivered: a server
    /// started on the demo sends nothing from 2018. Without a vault (the tests of the domain), no
    /// applicant has a contact.
    public static func scenario(seed: UInt64, scale: Double, secret: SymmetricKey, vault: Vault? = nil) -> [ScenarioEvent] {
        var out: [(key: (Int64, Int, Int), event: ScenarioEvent)] = []
        for plan in plans(seed: seed, scale: scale) {
            var applicant = Applicant(nikHash: DocumentSecrets.nikHash(nik: plan.nik, secret: secret))
            var notify: [NotificationChannel] = []
            if let vault, let contact = contact(seed: seed, index: plan.index),
                let sealed = try? Applicant.sealed(nik: plan.nik, name: nil, phone: contact.phone, email: contact.email, in: vault)
            {
                applicant = sealed
                notify = contact.notify
            }
            let submitted = ApplicationSubmitted(
                receiptNumber: plan.receipt, documentType: plan.documentType, office: plan.office, channel: plan.channel,
                applicant: applicant, pinHash: DocumentSecrets.pinHash(receiptNumber: plan.receipt, pin: plan.pin, secret: secret),
                submittedAt: Timestamp(millisecondsSince1970: plan.submittedAt), notify: notify.isEmpty ? nil : notify)
            // The application's own events in order, then proposed with consecutive versions.
            var own: [(at: Int64, step: Int, event: Application.Event)] = [(plan.submittedAt, 0, .submitted(submitted))]
            var from = ApplicationStatus.submitted
            for (k, c) in plan.changes.enumerated() {
                own.append(
                    (
                        c.at, k + 1,
                        .statusChanged(
                            StatusChanged(
                                receiptNumber: plan.receipt, from: from, to: c.to, reasonCode: c.reasonCode, reason: c.reason,
                                officer: c.officer, changedAt: Timestamp(millisecondsSince1970: c.at)))
                    ))
                from = c.to
            }
            var told: [(at: Int64, step: Int, event: Application.Event)] = []
            for step in own where !notify.isEmpty {
                let toldID = eventID(seed: seed, index: plan.index, step: step.step).description
                for channel in notify {
                    let key = NotificationDelivery.key(eventID: toldID, channel: channel)
                    let r = SplitMix64.mix(seed, UInt64(plan.index), UInt64(step.step), channel == .sms ? 0x534D53 : 0x454D4C)
                    var at = step.at + 60_000 + Int64(r % 60_000)
                    if channel == .sms, r % 5 == 0 {
                        let failed = NotificationRecorded(
                            receiptNumber: plan.receipt, delivery: key, channel: channel, at: Timestamp(millisecondsSince1970: at),
                            attempt: 1, error: "http-503", nextAttemptAt: Timestamp(millisecondsSince1970: at + 30_000))
                        told.append((at, 0, .notification(.failed, failed)))
                        at += 30_500
                    }
                    let delivered = NotificationRecorded(
                        receiptNumber: plan.receipt, delivery: key, channel: channel, at: Timestamp(millisecondsSince1970: at))
                    told.append((at, 0, .notification(.delivered, delivered)))
                }
            }
            var all = own.map { (at: $0.at, order: $0.step * 2, event: $0.event) }
            for (n, t) in told.enumerated() { all.append((at: t.at, order: 1_000_000 + n, event: t.event)) }
            all.sort { ($0.at, $0.order) < ($1.at, $1.order) }
            for (version, e) in all.enumerated() {
                let step = e.order < 1_000_000 ? e.order / 2 : 10_000 + (e.order - 1_000_000)
                guard
                    let proposed = try? e.event.proposed(
                        expectedVersion: version == 0 ? .noStream : .exact(UInt64(version)),
                        id: eventID(seed: seed, index: plan.index, step: step))
                else { break }
                out.append(((e.at, plan.index, version), (Timestamp(millisecondsSince1970: e.at), proposed)))
            }
        }
        out.sort { $0.key < $1.key }
        return out.map(\.event)
    }

    /// The contact application `index`'s applicant leaves, and the channels they choose; nil for
    /// about half of them (they come to the counter to ask). Synthetic: `example.org` addresses and
    /// 0812 numbers made from the seed.
    public static func contact(seed: UInt64, index: Int) -> (email: String?, phone: String?, notify: [NotificationChannel])? {
        let r = SplitMix64.mix(seed, UInt64(index), 0x4E_4F54)
        let email = "pemohon\(index)@example.org"
        let digits = String(r / 7 % 100_000_000)
        let phone = "0812" + String(repeating: "0", count: 8 - digits.count) + digits
        switch r % 7 {
        case 0, 1: return (email, nil, [.email])
        case 2: return (nil, phone, [.sms])
        case 3: return (email, phone, [.email, .sms])
        default: return nil
        }
    }

    /// The planned applications with their receipt numbers, PINs and outcomes, in index order.
    public static func applications(seed: UInt64, scale: Double) -> [ScenarioApplication] {
        plans(seed: seed, scale: scale).map {
            ScenarioApplication(
                index: $0.index, receiptNumber: $0.receipt, pin: $0.pin, nik: $0.nik, documentType: $0.documentType,
                office: $0.office, channel: $0.channel, submittedAt: Timestamp(millisecondsSince1970: $0.submittedAt),
                finalStatus: $0.finalStatus, eventCount: 1 + $0.changes.count)
        }
    }

    /// A receipt number and PIN that work on a server seeded with this seed: application 0, the
    /// first of the scenario (submitted on 2 July 2018 at scale 1), present at every scale > 0.
    public static func demoApplication(seed: UInt64) -> (receiptNumber: String, pin: String) {
        (scenarioReceiptNumber(seed: seed, index: 0), scenarioPIN(seed: seed, index: 0))
    }

    /// The PIN of application `index`: 6 digits, leading zeros kept (the scenario's applications
    /// are from 2018, before PINs became 8 Crockford characters; see `PIN`).
    public static func scenarioPIN(seed: UInt64, index: Int) -> String {
        let s = String(SplitMix64.mix(seed, UInt64(index), 0x5049_4E) % 1_000_000)
        return String(repeating: "0", count: 6 - s.count) + s
    }

    /// The receipt number of application `index`: a keyed permutation of the 50-bit space, so two
    /// applications of one seed never share one.
    public static func scenarioReceiptNumber(seed: UInt64, index: Int) -> String {
        let mask: UInt64 = (1 << 50) - 1
        var v = (UInt64(index) ^ SplitMix64.mix(seed, 0x5245_43)) & mask
        for round in UInt64(0)..<4 {
            v = (v &* 0x9E37_79B9_7F4A_7C15) & mask  // odd multiplier: a bijection mod 2^50
            v ^= v >> 23  // a bijection on 50-bit values
            v = (v &+ SplitMix64.mix(seed, 0x524E_44, round)) & mask
        }
        return ReceiptNumber.encode(v)
    }

    /// The synthetic NIK of application `index`: `5271` (Kota Mataram), the kecamatan (`01`-`06`),
    /// a birth date `DDMMYY` (day + 40 for women, as on real NIKs) and a 4-digit serial.
    public static func scenarioNIK(seed: UInt64, index: Int, kecamatan: Int? = nil) -> String {
        var g = SplitMix64(seed: SplitMix64.mix(seed, UInt64(index), 0x4E_494B))
        let kec = kecamatan ?? (1 + Int(g.next() % 6))
        let dd = 1 + Int(g.next() % 28) + (g.chance(0.5) ? 40 : 0)
        let mm = 1 + Int(g.next() % 12)
        let yy = Int(45 + g.next() % 56) % 100  // born 1945-2000
        let serial = 1 + Int(g.next() % 2999)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let s = String(serial)
        return "5271" + two(kec) + two(dd) + two(mm) + two(yy) + String(repeating: "0", count: 4 - s.count) + s
    }

    /// A fixed key derived from the seed, for `scenario(seed:scale:)`.
    public static func scenarioSecret(seed: UInt64) -> SymmetricKey {
        SymmetricKey(data: SHA256.hash(data: Data("lumbung documents scenario \(seed)".utf8)))
    }

    /// How many applications the scenario has at `scale`.
    public static func applicationCount(scale: Double) -> Int { dailyCounts(scale: scale).reduce(0) { $0 + $1.counter + $1.online } }

    // MARK: Volumes

    /// Expected applications on local day `d` at scale 1 (before the counter/online split).
    static func baseRate(_ d: Int64) -> Double {
        switch d {
        case ..<jul29: return 20
        case ..<aug6: return 28  // after the 29 July quake
        case ..<aug13: return 40  // after the M6.9 of 5 August: offices reopen, the first wave
        case ..<aug20: return 68
        case ..<sep1: return 75  // after the quakes of 19 August
        default: return 55 - 25 * Double(d - sep1) / Double(lastDay - sep1)  // ebbing through September
        }
    }

    /// Per local day: applications at the counters (workdays only) and online (any day).
    static func dailyCounts(scale: Double) -> [(day: Int64, counter: Int, online: Int)] {
        guard scale > 0, scale.isFinite else { return [] }
        var out: [(day: Int64, counter: Int, online: Int)] = []
        var carryCounter = 0.0
        var carryOnline = 0.0
        for d in firstDay...lastDay {
            let base = baseRate(d)
            let workday = ScenarioCalendar.isWorkday(d)
            carryCounter += (workday ? base * 0.82 : 0) * scale
            carryOnline += base * (workday ? 0.18 : 0.1) * scale
            let c = Int(carryCounter)
            let o = Int(carryOnline)
            carryCounter -= Double(c)
            carryOnline -= Double(o)
            out.append((d, c, o))
        }
        // Application 0 exists at every positive scale (the demo's receipt).
        if let i = out.firstIndex(where: { ScenarioCalendar.isWorkday($0.day) }), out.allSatisfy({ $0.counter + $0.online == 0 }) {
            out[i].counter = 1
        }
        return out
    }

    /// How much slower than normal the offices work for an application submitted on day `d`.
    static func load(_ d: Int64) -> Double {
        switch d {
        case ..<jul29: return 1.0
        case ..<aug6: return 1.1
        case ..<aug13: return 1.4
        case ..<sep10: return 1.5 - 0.3 * Double(d - aug13) / Double(sep10 - aug13)
        default: return 1.2 - 0.15 * Double(d - sep10) / Double(lastDay - sep10)
        }
    }

    // MARK: Plans

    static let counterOffices = Office.all.filter { $0.id != "mpp-mataram" }.map(\.id)
    /// Dukcapil takes half of the counter applications; the kecamatan share the rest.
    static let counterWeights: [Double] = [50, 10, 8, 10, 6, 9, 7]

    static let typesBefore: [Double] = [35, 25, 20, 5, 10, 5]  // DocumentType.allCases order
    static let typesSurge: [Double] = [40, 34, 12, 6, 3, 5]

    static let revisionReasons: [DocumentType: [(ReasonCode, String?)]] = [
        .ktpEl: [
            (.missingAttachment, "Surat keterangan kehilangan dari kepolisian belum dilampirkan"),
            (.illegibleDocument, "Fotokopi Kartu Keluarga tidak terbaca"),
            (.dataMismatch, "Data pada formulir tidak sesuai dengan database kependudukan"),
        ],
        .kk: [
            (.missingAttachment, "Surat keterangan kehilangan dari kepolisian belum dilampirkan"),
            (.missingAttachment, "Surat pengantar RT/RW dan kelurahan belum dilampirkan"),
            (.unsignedForm, "Formulir permohonan belum ditandatangani kepala keluarga"),
        ],
        .aktaKelahiran: [
            (.missingAttachment, "Surat keterangan lahir dari bidan atau rumah sakit belum dilampirkan"),
            (.missingAttachment, "Fotokopi buku nikah orang tua belum dilampirkan"),
        ],
        .aktaKematian: [
            (.missingAttachment, "Surat keterangan kematian dari rumah sakit atau kelurahan belum dilampirkan"),
            (.missingAttachment, "Fotokopi KTP-el dua orang saksi belum dilampirkan"),
        ],
        .kia: [
            (.missingAttachment, "Pas foto anak belum dilampirkan"), (.illegibleDocument, "Fotokopi akta kelahiran anak tidak terbaca"),
        ],
        .suratPindah: [
            (.incompleteAddress, "Alamat tujuan pindah belum lengkap"),
            (.missingAttachment, "Surat pengantar RT/RW dan kelurahan belum dilampirkan"),
        ],
    ]
    static let rejectionReasons: [(ReasonCode, String?)] = [
        (.outsideServiceArea, "Pemohon bukan penduduk Kota Mataram; silakan mengajukan di Dukcapil daerah asal"),
        (.nikNotFound, nil),
        (.duplicateApplication, nil),
    ]

    /// Office days (of 8 hours) from `in-process` to `signed`, at normal load.
    static func signingDays(_ type: DocumentType) -> (Double, Double) {
        switch type {
        case .ktpEl: (1.5, 6)  // 2018: KTP-el blanks ran short nationwide
        case .kk, .aktaKelahiran, .kia: (0.8, 3)
        case .aktaKematian: (0.5, 2)
        case .suratPindah: (0.3, 1.5)
        }
    }

    static func plans(seed: UInt64, scale: Double) -> [Plan] {
        var plans: [Plan] = []
        var index = 0
        for (d, counter, online) in dailyCounts(scale: scale) {
            for k in 0..<(counter + online) {
                plans.append(plan(seed: seed, index: index, day: d, online: k >= counter))
                index += 1
            }
        }
        return plans
    }

    static func plan(seed: UInt64, index: Int, day d: Int64, online: Bool) -> Plan {
        var g = SplitMix64(seed: SplitMix64.mix(seed, UInt64(index), 0x504C_414E))
        let surge = d >= aug6
        let type = DocumentType.allCases[g.weighted(surge ? typesSurge : typesBefore)]
        let office = online ? "dukcapil-mataram" : counterOffices[g.weighted(counterWeights)]
        let kecamatan = Office.named(office)?.kecamatanCode.flatMap { Int($0.suffix(2)) }
        let submitted =
            online
            ? ScenarioCalendar.at(day: d, minutes: 6 * 60 + Int64(g.uniform(0, 17 * 60)))
            : ScenarioCalendar.at(day: d, minutes: 8 * 60 + Int64(g.uniform(0, 6.5 * 60)))
        let load = load(d)
        let officers = (1...6).map { "\(office)/petugas-0\($0)" }
        var changes: [Change] = []
        var t = submitted
        func step(_ lower: Double, _ upper: Double, scaled: Bool = true) -> Int64 {
            let days = g.uniform(lower, upper) * (scaled ? load : 1)
            return max(5, Int64(days * 8 * 60))
        }
        func move(_ to: ApplicationStatus, after minutes: Int64, reason: (ReasonCode, String?)? = nil) -> Bool {
            t = ScenarioCalendar.addOfficeTime(t, minutes: minutes)
            guard t <= end.millisecondsSince1970 else { return false }
            changes.append(Change(to: to, reasonCode: reason?.0, reason: reason?.1, officer: officers[Int(g.next() % 6)], at: t))
            return true
        }
        func resident(afterDays lower: Double, _ upper: Double) -> Int64 {
            // A resident comes back some days later, during office hours.
            t += Int64(g.uniform(lower, upper) * Double(ScenarioCalendar.day))
            return Int64(g.uniform(5, 6 * 60))
        }
        build: do {
            var attempt = 0
            while true {
                attempt += 1
                let review = step(0.2, 1.5)
                let roll = g.uniform(0, 1)
                if roll < 0.03 {
                    _ = move(.rejected, after: review, reason: rejectionReasons[Int(g.next() % UInt64(rejectionReasons.count))])
                    break build
                }
                let revisionChance = attempt == 1 ? (surge ? 0.14 : 0.09) : 0.04
                if roll < 0.03 + revisionChance && attempt < 3 {
                    let reasons = revisionReasons[type] ?? [(.missingAttachment, nil)]
                    guard move(.revisionRequested, after: review, reason: reasons[Int(g.next() % UInt64(reasons.count))]) else {
                        break build
                    }
                    guard g.chance(0.85) else { break build }  // some never come back
                    let minutes = resident(afterDays: 1, 7)
                    guard move(.submitted, after: minutes, reason: (.revisionSupplied, nil)) else { break build }
                    continue
                }
                guard move(.verified, after: review) else { break build }
                break
            }
            guard move(.inProcess, after: step(0.05, 0.8)) else { break build }
            let (lo, hi) = signingDays(type)
            guard move(.signed, after: step(lo, hi)) else { break build }
            guard move(.ready, after: step(0.1, 1.0)) else { break build }
            guard g.chance(0.9) else { break build }  // not (yet) collected
            _ = move(.collected, after: resident(afterDays: 0, 10))
        }
        return Plan(
            index: index, receipt: scenarioReceiptNumber(seed: seed, index: index), pin: scenarioPIN(seed: seed, index: index),
            nik: scenarioNIK(seed: seed, index: index, kecamatan: kecamatan), documentType: type, office: office,
            channel: online ? .online : .counter, submittedAt: submitted, changes: changes)
    }

    /// A version-4 UUID from the seed, the application and the event's place in it.
    static func eventID(seed: UInt64, index: Int, step: Int) -> EventID {
        var hi = SplitMix64.mix(seed, UInt64(index), UInt64(step), 0x4944)
        var lo = SplitMix64.mix(seed, UInt64(index), UInt64(step), 0x4944_32)
        hi = (hi & ~0xF000) | 0x4000
        lo = (lo & ~(UInt64(0xC0) << 56)) | (UInt64(0x80) << 56)
        return EventID(high: hi, low: lo)
    }
}
