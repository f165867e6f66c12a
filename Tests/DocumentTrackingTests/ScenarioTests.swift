import EventLog
import Foundation
import Projections
import Testing

@testable import DocumentTracking

@Suite("The 2018 scenario")
struct ScenarioTests {
    let seed: UInt64 = 2018

    @Test func isDeterministic() {
        let a = DocumentTrackingScenario.scenario(seed: seed, scale: 0.05)
        let b = DocumentTrackingScenario.scenario(seed: seed, scale: 0.05)
        #expect(!a.isEmpty)
        #expect(a.count == b.count)
        #expect(
            zip(a, b).allSatisfy {
                $0.occurredAt == $1.occurredAt && $0.event.id == $1.event.id && $0.event.data == $1.event.data
                    && $0.event.stream == $1.event.stream
            })
        let c = DocumentTrackingScenario.scenario(seed: seed + 1, scale: 0.05)
        #expect(a.first?.event.stream != c.first?.event.stream)
    }

    @Test func eventsAreOrderedIn2018WithUniqueIdsAndNoClearNIK() {
        let events = DocumentTrackingScenario.scenario(seed: seed, scale: 0.2)
        let times = events.map(\.occurredAt)
        #expect(times == times.sorted())
        #expect(times.first.map { $0 >= ts("2018-07-01T16:00:00Z") } == true)
        #expect(times.last.map { $0 <= DocumentTrackingScenario.end } == true)
        let ids = events.compactMap(\.event.id)
        #expect(ids.count == events.count)
        #expect(Set(ids).count == ids.count)
        #expect(events.allSatisfy { $0.event.occurredAt == $0.occurredAt })
        let niks = DocumentTrackingScenario.applications(seed: seed, scale: 0.2).map(\.nik)
        let texts = events.map { String(decoding: $0.event.data, as: UTF8.self) }
        #expect(!texts.contains { $0.contains("\"nik\"") })
        for (text, nik) in zip(texts.filter { $0.contains("nikHash") }, niks) { #expect(!text.contains(nik)) }
        #expect(texts.filter { $0.contains("nikHash") }.count == niks.count)
    }

    @Test func applicationsHaveUniqueReceiptsSyntheticNIKsAndDerivablePINs() {
        let apps = DocumentTrackingScenario.applications(seed: seed, scale: 1)
        #expect(apps.count == DocumentTrackingScenario.applicationCount(scale: 1))
        #expect(apps.count > 2000 && apps.count < 4000)
        #expect(Set(apps.map(\.receiptNumber)).count == apps.count)
        #expect(apps.allSatisfy { ReceiptNumber.isValid($0.receiptNumber) })
        #expect(apps.allSatisfy { $0.nik.count == 16 && $0.nik.hasPrefix("5271") && $0.nik.allSatisfy(\.isNumber) })
        #expect(apps.allSatisfy { $0.pin.count == 6 && $0.pin == DocumentTrackingScenario.scenarioPIN(seed: seed, index: $0.index) })
        #expect(apps.allSatisfy { $0.receiptNumber == DocumentTrackingScenario.scenarioReceiptNumber(seed: seed, index: $0.index) })
        // Application i is the same at every scale.
        let small = DocumentTrackingScenario.applications(seed: seed, scale: 0.1)
        #expect(small.allSatisfy { $0.receiptNumber == DocumentTrackingScenario.scenarioReceiptNumber(seed: seed, index: $0.index) })
        #expect(DocumentTrackingScenario.demoApplication(seed: seed).receiptNumber == apps[0].receiptNumber)
        #expect(DocumentTrackingScenario.demoApplication(seed: seed).pin == apps[0].pin)
        // Kantor kecamatan applicants live in that kecamatan.
        for a in apps where a.office.hasPrefix("kec-") {
            #expect(Office.named(a.office)?.kecamatanCode?.suffix(2) == Substring(a.nik.dropFirst(4).prefix(2)))
        }
        #expect(!apps.contains { $0.office == "mpp-mataram" })
    }

    @Test func theStoryIsRealistic() {
        let apps = DocumentTrackingScenario.applications(seed: seed, scale: 1)
        let events = DocumentTrackingScenario.scenario(seed: seed, scale: 1)
        #expect(events.count > 10_000 && events.count < 30_000)
        let aug6 = ts("2018-08-06T00:00:00+08:00")
        let before = apps.filter { $0.submittedAt < ts("2018-07-29T00:00:00+08:00") }
        let surge = apps.filter { $0.submittedAt >= ts("2018-08-13T00:00:00+08:00") && $0.submittedAt < ts("2018-09-01T00:00:00+08:00") }
        // 27 days before, 19 days of surge: the daily volume more than triples.
        #expect(Double(surge.count) / 19 > 3 * Double(before.count) / 27)
        let finals = Dictionary(grouping: apps, by: \.finalStatus).mapValues(\.count)
        #expect((finals[.collected] ?? 0) > apps.count / 2)
        #expect((finals[.rejected] ?? 0) > 0 && (finals[.rejected] ?? 0) < apps.count / 10)
        let stillOpen: Int = [ApplicationStatus.submitted, .verified, .inProcess, .signed].map { finals[$0] ?? 0 }.reduce(0, +)
        #expect(stillOpen > 0)
        #expect((finals[.revisionRequested] ?? 0) > 0)
        let revised = Set(
            events.filter { $0.event.dataValue["to"]?.stringValue == "revision-requested" }.compactMap {
                $0.event.dataValue["receiptNumber"]?.stringValue
            })
        #expect(revised.count > apps.count / 20 && revised.count < apps.count / 4)
        #expect(apps.contains { $0.channel == .online } && apps.contains { $0.channel == .counter })
        // Replacement documents dominate the surge.
        let surgeTypes = Dictionary(grouping: apps.filter { $0.submittedAt >= aug6 }, by: \.documentType).mapValues(\.count)
        #expect((surgeTypes[.ktpEl] ?? 0) + (surgeTypes[.kk] ?? 0) > apps.filter { $0.submittedAt >= aug6 }.count / 2)
    }

    @Test func aRealisticShareGoesOverTheSLADuringTheSurge() async throws {
        // Processing times from the plans, per submission period.
        let events = DocumentTrackingScenario.scenario(seed: seed, scale: 1)
        var submitted: [String: (Timestamp, DocumentType)] = [:]
        var before = (over: 0, all: 0)
        var surge = (over: 0, all: 0)
        for e in events {
            let d = e.event.dataValue
            guard let receipt = d["receiptNumber"]?.stringValue else { continue }
            if let type = d["documentType"]?.stringValue.flatMap(DocumentType.init(rawValue:)) {
                submitted[receipt] = (e.occurredAt, type)
            } else if d["to"]?.stringValue == "ready", let (start, type) = submitted[receipt], let sla = SLATable.mataram.days(for: type) {
                let over = e.occurredAt.millisecondsSince1970 - start.millisecondsSince1970 > Int64(sla) * 86_400_000
                if start < ts("2018-07-29T00:00:00+08:00") {
                    before.all += 1
                    before.over += over ? 1 : 0
                } else if start >= ts("2018-08-06T00:00:00+08:00") && start < ts("2018-09-10T00:00:00+08:00") {
                    surge.all += 1
                    surge.over += over ? 1 : 0
                }
            }
        }
        let beforeShare = Double(before.over) / Double(max(1, before.all))
        let surgeShare = Double(surge.over) / Double(max(1, surge.all))
        #expect(beforeShare < 0.3, "before: \(before)")
        #expect(surgeShare > 0.3 && surgeShare < 0.9, "surge: \(surge)")
        #expect(surgeShare > beforeShare + 0.2)
    }

    @Test func passesTheRulesAndRebuildEqualsIncremental() async throws {
        let h = try Harness()
        let events = h.domain.scenario(seed: seed, scale: 0.25)
        #expect(events.count > 2000)
        let engine = try h.engine()
        var batch: [ProposedEvent] = []
        var batches = 0
        for e in events {
            batch.append(e.event)
            if batch.count == 300 {
                try await h.append(batch)
                batch.removeAll()
                batches += 1
                if batches % 3 == 0 { try engine.catchUp() }
            }
        }
        if !batch.isEmpty { try await h.append(batch) }
        #expect(try h.store.stats().events == UInt64(events.count))
        try engine.catchUp()
        let incremental = try h.dumpViews()
        for p in h.domain.projectors { try engine.rebuild(p.name) }
        let rebuilt = try h.dumpViews()
        #expect(incremental.keys.sorted() == rebuilt.keys.sorted())
        for (db, entries) in incremental {
            #expect(entries == rebuilt[db], "\(db) differs after rebuild")
            // The scenario is written without a vault: no applicant is sealed, so none is viewed,
            // and none gave an address to be notified at.
            let sealedOnly =
                db.hasSuffix("/applicants") || db.hasSuffix("/subjects") || db.hasPrefix("documents.notifications/")
            #expect(!entries.isEmpty || db.hasSuffix("/open") || db.hasSuffix("/items") || sealedOnly, "\(db) is empty")
        }

        // The views agree with the plan.
        let apps = DocumentTrackingScenario.applications(seed: seed, scale: 0.25)
        let report = try h.read(DocumentViews.processing) { try h.domain.processing($0) }
        let readyEvents = events.filter { $0.event.dataValue["to"]?.stringValue == "ready" }.count
        #expect(report.types.reduce(0) { $0 + $1.count } == readyEvents)
        let summary = try h.read(DocumentViews.queue) { try DocumentTrackingQueries.queueSummary($0) }
        let openPlanned = apps.filter { !$0.finalStatus.isFinal }.count
        #expect(summary.reduce(0) { $0 + $1.open } == openPlanned)

        // The demo receipt and PIN work on a server with this secret.
        let demo = DocumentTrackingScenario.demoApplication(seed: seed)
        let found = try h.read(DocumentViews.applications) { try h.domain.lookup($0, receiptNumber: demo.receiptNumber, pin: demo.pin) }
        let app = try #require(found)
        #expect(app.timeline.count == apps[0].eventCount)
        #expect(app.status == apps[0].finalStatus)
        #expect(app.submittedAt == apps[0].submittedAt.description)
    }

    @Test func theUniformSignatureUsesTheSeedSecret() {
        let a = DocumentTrackingScenario.scenario(seed: seed, scale: 0.02)
        let b = DocumentTrackingScenario.scenario(seed: seed, scale: 0.02, secret: DocumentTrackingScenario.scenarioSecret(seed: seed))
        #expect(a.map(\.event.data) == b.map(\.event.data))
        #expect(DocumentTrackingScenario.scenario(seed: seed, scale: 0).isEmpty)
        #expect(DocumentTrackingScenario.applicationCount(scale: 0.0001) == 1)
    }
}
