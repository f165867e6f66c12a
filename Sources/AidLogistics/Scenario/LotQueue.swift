/// The scenario's stock of one item at one warehouse: lots in receipt order (first in, first
/// out), with their quantities. Emptied lots stay only at the front and are skipped.
struct LotQueue {
    struct Entry {
        let sequence: Int
        let donationId: String
        var quantity: Int
    }

    private var entries: [Entry] = []
    private var head = 0
    private(set) var total = 0

    /// Adds `quantity` of lot `donationId` (receipt order `sequence`).
    mutating func add(sequence: Int, donationId: String, quantity: Int) {
        guard quantity > 0 else { return }
        total += quantity
        var lo = head
        var hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].sequence < sequence { lo = mid + 1 } else { hi = mid }
        }
        if lo < entries.count, entries[lo].sequence == sequence {
            entries[lo].quantity += quantity
        } else {
            entries.insert(Entry(sequence: sequence, donationId: donationId, quantity: quantity), at: lo)
        }
    }

    /// Takes up to `quantity`, oldest lots first; returns what was taken per lot.
    mutating func take(_ quantity: Int) -> [Entry] {
        var remaining = min(quantity, total)
        var out: [Entry] = []
        while remaining > 0, head < entries.count {
            let q = min(entries[head].quantity, remaining)
            if q > 0 {
                out.append(Entry(sequence: entries[head].sequence, donationId: entries[head].donationId, quantity: q))
                entries[head].quantity -= q
                remaining -= q
                total -= q
            }
            if entries[head].quantity == 0 { head += 1 }
        }
        compact()
        return out
    }

    /// The oldest lot with stock.
    var first: Entry? {
        var i = head
        while i < entries.count {
            if entries[i].quantity > 0 { return entries[i] }
            i += 1
        }
        return nil
    }

    /// Changes the oldest lot's stock by `delta` (not below zero); returns the change made.
    mutating func adjustFirst(by delta: Int) -> Int {
        while head < entries.count, entries[head].quantity == 0 { head += 1 }
        guard head < entries.count else { return 0 }
        let change = max(delta, -entries[head].quantity)
        entries[head].quantity += change
        total += change
        if entries[head].quantity == 0 { head += 1 }
        compact()
        return change
    }

    private mutating func compact() {
        if head > 64, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
