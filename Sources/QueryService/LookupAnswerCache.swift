import DocumentTracking
import Foundation

/// The answers of the public lookup (cek resi) given since the views last changed, by receipt
/// number: a resident who reloads, or a crowd asking after the same office's receipts, is answered
/// without a read of the views.
///
/// Contract:
/// - An entry holds the views' `changeStamp` it was read at, the `Key` that opened it and the
///   answer. It answers only while the stamp is the same (nothing was written to the views since,
///   so the view holds the same record, PIN hash and processing times, and the answer, which
///   depends on nothing else, is the same) and only to a request of the same `Key`: the same
///   receipt number and PIN, compared by a digest under this process's random key (no HMAC per
///   hit: it was 3% of a lookup's CPU). A wrong PIN is never answered from here: it takes the full
///   lookup, which checks the view's PIN hash and which `LookupGuard` counts.
/// - Only answers that opened are kept (a miss is not), at most `capacity`: when full, the cache
///   is emptied (answers are cheap to read again). The answers are the public records the view
///   keeps; the HTTP answer stays `no-store`.
final class LookupAnswerCache: @unchecked Sendable {
    /// What finds and opens an entry: the normalized receipt number, and the normalized PIN as a
    /// 64-bit digest keyed by this process's random seed (SipHash, Swift's `Hasher`), so that the
    /// cache keeps no PIN and no hash that outlives the process. Nil for a receipt number or PIN
    /// that is malformed (such a lookup opens nothing).
    struct Key: Equatable {
        let receipt: String
        let pin: Int

        init?(receiptNumber: String, pin: String) {
            guard let receipt = ReceiptNumber.normalize(receiptNumber), let pin = PIN.normalize(pin) else { return nil }
            var hasher = Hasher()
            hasher.combine(pin)
            (self.receipt, self.pin) = (receipt, hasher.finalize())
        }
    }

    struct Entry {
        let stamp: Int
        let pin: Int
        let answer: [UInt8]
    }

    let capacity: Int
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    init(capacity: Int = 4096) { self.capacity = capacity }

    var count: Int { lock.withLock { entries.count } }

    /// The answer kept for `key` at `stamp`, or nil.
    func answer(_ key: Key, stamp: Int) -> [UInt8]? {
        guard let entry = lock.withLock({ entries[key.receipt] }), entry.stamp == stamp, entry.pin == key.pin else { return nil }
        return entry.answer
    }

    /// Keeps `answer`, which the lookup of `key` opened in views read at `stamp`.
    func keep(_ answer: [UInt8], for key: Key, stamp: Int) {
        lock.withLock {
            if entries.count >= capacity, entries[key.receipt] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key.receipt] = Entry(stamp: stamp, pin: key.pin, answer: answer)
        }
    }
}
