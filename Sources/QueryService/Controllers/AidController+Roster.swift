import AidLogistics
import EventLog
import Hummingbird
import JSON
import LumbungCore
import NIOCore

/// A posko's roster of households, read from CSV and registered all or nothing, over the API and
/// on the staff screens (`AidScreens.importRoster`): the rules of `HouseholdRoster`, a refusal
/// naming its line and field, nothing written.
extension LumbungServices {
    /// Reads `text` as the roster of `warehouseId` for `incidentId` and writes its households in
    /// one batch (the first event under `eventID` when given, so a resent form writes once).
    /// Throws a 404 `Problem` for an unregistered warehouse, and the roster's refusal as an
    /// `EventLogError` (`line <n>: ...`, its field).
    func importRoster(
        _ text: String, warehouseId: String, incidentId: String, caller: APIKey, eventID: EventID? = nil
    ) async throws -> (ids: [String], written: AppendOutcome) {
        let domain = domains.aid
        var ids: [String] = []
        let (_, written) = try await execute(caller: caller, eventID: eventID) {
            guard let place = try domain.rules.warehouse(warehouseId) else {
                throw Problem(.notFound, "no warehouse \(warehouseId.prefix(100)) is registered")
            }
            do {
                let entries = try HouseholdRoster.parse(
                    text, warehouseId: warehouseId, defaultCode: place.kelurahanCode, incidentId: incidentId)
                let decided = try HouseholdRoster.decide(entries, domain: domain, now: .now())
                ids = decided.ids
                return CommandOutcome(events: decided.events, ids: [:], secrets: [:])
            } catch let refusal as HouseholdRoster.Refusal {
                throw refusal.error
            }
        }
        return (ids, written)
    }
}

extension AidController {
    /// The most bytes of a roster (2 MiB: some 20,000 households).
    static let rosterLimit = 2 << 20

    /// `POST /v1/aid/households/roster?warehouseId=&incidentId=` (aid-writer, `text/csv`): a posko's
    /// roster, one household a line (`HouseholdRoster`: kk, headName, members, desa, the vulnerable
    /// counts, householdId), registered all or nothing. 201 with the households' ids and positions;
    /// a refusal names its line (`line 3: kk: ...`) and field; 409 for a KK already registered.
    @Sendable func roster(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.authenticatedCaller()
        func required(_ name: String) throws -> String {
            guard let value = request.query(name), !value.isEmpty else { throw Problem.field(name, "is required") }
            return value
        }
        let (warehouseId, incidentId) = (try required("warehouseId"), try required("incidentId"))
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.rosterLimit)
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, "the roster is over this route's limit of 2 MiB")
        }
        guard buffer.readableBytes > 0 else { throw Problem(.badRequest, "a CSV body is required (the roster)") }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw Problem(.badRequest, "the roster is not UTF-8 text")
        }
        let (ids, written) = try await services.importRoster(text, warehouseId: warehouseId, incidentId: incidentId, caller: caller)
        return JSONResponse.object(
            [
                ("imported", .number(Double(ids.count))), ("householdIds", .array(ids.map { .string($0) })),
                ("firstPosition", .number(Double(written.results.first?.position ?? 0))),
                ("position", .number(Double(written.lastPosition))),
            ], status: .created)
    }
}
