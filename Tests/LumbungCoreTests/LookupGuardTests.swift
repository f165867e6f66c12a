import Foundation
import Testing

@testable import LumbungCore

/// Guessing a 6-digit PIN took minutes with only a per-address limit. Now every receipt locks after
/// a few wrong PINs, with a growing back-off that binds every address and every process alike.
@Suite("Lookup guard: wrong PINs lock the receipt")
struct LookupGuardTests {
    static func directory() -> String {
        (NSTemporaryDirectory() as NSString).appendingPathComponent("lumbung-guard-\(UUID().uuidString)")
    }

    @Test("after 5 failures the receipt locks for a minute, doubling with each further failure; the right PIN is refused while locked")
    func backOff() throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let guardian = try LookupGuard(dataDirectory: dir)
        let t0: Int64 = 1_000_000_000
        for i in 1...4 { #expect(try guardian.failed("MTR-1", now: t0 + Int64(i)) == .allowed) }
        #expect(try guardian.failed("MTR-1", now: t0 + 5) == .locked(retryAfter: 60))
        #expect(try guardian.verdict("MTR-1", now: t0 + 30_005) == .locked(retryAfter: 30))
        #expect(try guardian.verdict("MTR-2", now: t0 + 5) == .allowed, "another receipt is not touched")
        #expect(try guardian.verdict("MTR-1", now: t0 + 60_006) == .allowed)
        #expect(try guardian.failed("MTR-1", now: t0 + 60_006) == .locked(retryAfter: 120))
        #expect(try guardian.failed("MTR-1", now: t0 + 180_007) == .locked(retryAfter: 240))
        // Capped at a day.
        var now = t0 + 500_000
        for _ in 0..<40 {
            now += 1
            _ = try guardian.failed("MTR-1", now: now)
        }
        #expect(try guardian.verdict("MTR-1", now: now) == .locked(retryAfter: 86_400))
        // A new PIN (reset) or a success starts the count again.
        try guardian.succeeded("MTR-1")
        #expect(try guardian.verdict("MTR-1", now: now) == .allowed)
    }

    @Test("the counts are shared by every opener of the data directory and survive a restart")
    func shared() throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let t0: Int64 = 2_000_000_000
        do {
            let a = try LookupGuard(dataDirectory: dir)
            for i in 0..<5 { try a.failed("MTR-9", now: t0 + Int64(i)) }
        }
        let b = try LookupGuard(dataDirectory: dir)
        #expect(try b.verdict("MTR-9", now: t0 + 10) == .locked(retryAfter: 60))
        #expect((try FileManager.default.attributesOfItem(atPath: dir + "/guards")[.posixPermissions] as? Int) == 0o700)
        #expect((try FileManager.default.attributesOfItem(atPath: dir + "/guards/data.mdb")[.posixPermissions] as? Int) == 0o600)
    }

    @Test("a lookup with nothing counted reads no transaction, yet sees a count made since, here or by another opener")
    func emptyFastPath() throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let t0: Int64 = 3_000_000_000
        let server = try LookupGuard(dataDirectory: dir)
        // Nothing counted: allowed, and the empty state is remembered at this transaction id.
        #expect(try server.state("MTR-5", now: t0) == (.allowed, false))
        #expect(try server.state("MTR-5", now: t0) == (.allowed, false))
        // Failures written by this guard lock the receipt at once.
        for i in 0..<5 { try server.failed("MTR-5", now: t0 + Int64(i)) }
        #expect(try server.verdict("MTR-5", now: t0 + 10) == .locked(retryAfter: 60))
        try server.succeeded("MTR-5")
        #expect(try server.state("MTR-5", now: t0 + 10) == (.allowed, false))
        // A second opener of the directory (as a second server would be) counts failures: the
        // first sees them, though it last read the counts empty.
        let other = try LookupGuard(dataDirectory: dir)
        for i in 0..<5 { try other.failed("MTR-6", now: t0 + Int64(i)) }
        #expect(try server.verdict("MTR-6", now: t0 + 10) == .locked(retryAfter: 60))
        #expect(try server.state("MTR-7", now: t0 + 10) == (.allowed, false))
    }
}
