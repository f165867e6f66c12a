import DocumentTracking
import Foundation

/// The answers of the public lookup (cek resi) given since the views last changed, by receipt
/// number: a resident who reloads, or a crowd asking after the same office's receipts, is answered
/// without a read of the views.
///
/// Contract:
/// - An entry holds the views' `changeStamp` it was read at, the PIN hash that opened it and the
///   answer. It answers only while the stamp is the same (nothing was written to the views since,
///   so the view holds the same record, PIN hash and processing times, and the answer, which
///   depends on nothing else, is the same) and only to a request whose PIN hash equals the
///   entry's, compared in constant time. A wrong PIN is never answered from here: it takes the
///   full lookup, which `LookupGuard` counts.
/// - Only answers that opened are kept (a miss is not), at most `capacity`: when full, the cache
///   is emptied (answers are cheap to read again). The answers are the public records the view
///   keeps; the HTTP answer stays `no-store`.
final class LookupAnswerCache: @unchecked Sendable {
    struct Entry {
        let stamp: Int
        let pinHash: [UInt8]
        let answer: [UInt8]
    }

    let capacity: Int
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    init(capacity: Int = 4096) { self.capacity = capacity }

    var count: Int { lock.withLock { entries.count } }

    /// The answer kept for `credential` at `stamp`, or nil.
    func answer(_ credential: LookupCredential, stamp: Int) -> [UInt8]? {
        guard let receipt = credential.receipt, credential.wellFormed,
            let entry = lock.withLock({ entries[receipt] }), entry.stamp == stamp, credential.matches(entry.pinHash)
        else { return nil }
        return entry.answer
    }

    /// Keeps `answer`, which `credential` opened in views read at `stamp`.
    func keep(_ answer: [UInt8], for credential: LookupCredential, stamp: Int) {
        guard let receipt = credential.receipt else { return }
        lock.withLock {
            if entries.count >= capacity, entries[receipt] == nil { entries.removeAll(keepingCapacity: true) }
            entries[receipt] = Entry(stamp: stamp, pinHash: credential.pinHash, answer: answer)
        }
    }
}
