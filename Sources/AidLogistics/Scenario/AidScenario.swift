public import DomainKit
public import EventLog
import JSON
public import PersonalData
public import Regions

/// The aid domain's part of the deterministic 2018 scenario of Kota Mataram.
///
/// 29 July - 31 August 2018 (times in WITA, UTC+8): the M6.4 of 29 July 06:47 (little damage in
/// the city: the city's gudang and posko in the five hardest-hit kelurahan are registered that
/// day, a trickle of donations and shipments follows); the M7.0 of 5 August 19:46 (11:46 UTC),
/// after which a posko opens in every one of the 50 kelurahan overnight and donations surge
/// (BNPB, Kementerian Sosial, Bulog, PMI, BAZNAS, ACT, companies, community groups); the M5.9 of
/// 9 August and the M6.3 and M6.9 of 19 August, each followed by more activity. The gudang
/// (BPBD, Dinas Sosial, PMI) ship to the posko, weighted by how hard each kelurahan was hit
/// (north and east harder; see `Fixtures/aid/README.md`); some goods are lost in transit; posko
/// hand aid to households in every kelurahan (20,343 people displaced on 12 August, shared by
/// the same weights); weekly stock-taking adjusts the gudang's stock.
///
/// Contract: the same `seed` and `scale` give the same events (ids derived from the seed; with a
/// vault, sealed values differ from run to run); events come in strictly increasing occurredAt
/// order (= their payload's time), and each passes `AidLogisticsRules` when appended in that
/// order into a log without other aid events, the four-eyes events under the key they name
/// (`author(of:)`, `appendRequests`) and with the default approval threshold or above.
/// `scale` multiplies the number of donations, shipments, distributions and adjustments (1.0:
/// about 5,000-6,000 events); the warehouses, a first shipment to every posko, a first
/// distribution in every kelurahan and the whole path of `ScenarioPath` are there at any scale;
/// under an area covering them, the scenario beyond Kota Mataram too (`ScenarioElsewhere`).
public enum AidScenario {
    /// The key that writes the scenario's write-offs above the four-eyes threshold (`requestedBy`).
    public static let officer = "seed:petugas-gudang"
    /// The other key, that approves them (`approvedBy`).
    public static let supervisor = "seed:kepala-gudang"

    /// The key that must write `event`: the one a four-eyes event names as its writer (an
    /// adjustment's `requestedBy`, an approval's `approvedBy`; the rules hold those to the
    /// writer), else nil (any key). The seeder writes such events under that key.
    public static func author(of event: ProposedEvent) -> String? {
        switch event.type {
        case AidEventType.stockAdjusted: event.dataValue["requestedBy"]?.stringValue
        case AidEventType.adjustmentApproved: event.dataValue["approvedBy"]?.stringValue
        default: nil
        }
    }

    /// `events` in requests of at most `limit`, in order, each written by one key: `actor`, or the
    /// author an event names (`author(of:)`).
    public static func appendRequests(_ events: [ProposedEvent], actor: String, limit: Int = 2000) throws(EventLogError)
        -> [AppendRequest]
    {
        var out: [AppendRequest] = []
        var batch: [ProposedEvent] = []
        var writer = actor
        for e in events {
            let by = author(of: e) ?? actor
            if !batch.isEmpty, by != writer || batch.count >= limit {
                out.append(try AppendRequest(events: batch, actor: writer))
                batch.removeAll(keepingCapacity: true)
            }
            writer = by
            batch.append(e)
        }
        if !batch.isEmpty { out.append(try AppendRequest(events: batch, actor: writer)) }
        return out
    }

    ///
    /// With a `vault` (the seeder's), each individual donor gets a donor id (`DR-2018-<n>`, `n` its
    /// line in the catalog) and their name sealed under the subject of that id, as a
    /// `receive-donation` would; without one (the domain's tests) they stay the anonymous label.
    /// `area` is the deployment's (`--region`): the earthquake's affected codes, and its impact
    /// reports for the province when the area covers it (see `ScenarioIncidents`).
    public static func scenario(seed: UInt64, scale: Double, vault: Vault? = nil, area: ServiceArea = .mataram) -> [ScenarioEvent] {
        var generator = ScenarioGenerator(seed: seed, scale: scale, area: area)
        generator.vault = vault
        return generator.run()
    }
}
