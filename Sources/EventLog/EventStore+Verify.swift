import LMDB

/// What `verify` found.
public struct VerifyReport: Sendable, Equatable {
    public var ok: Bool
    /// Events checked.
    public var events: UInt64
    /// The hash of the last event checked.
    public var headHash: EventHash
    /// The first bad position, when not ok.
    public var position: UInt64?
    /// Why it is bad.
    public var reason: String?
}

extension EventStore {
    /// Recomputes the hash chain from the first event: every position present and gapless, every
    /// record readable, every `prevHash` equal to the previous `hash`, every `hash` equal to
    /// SHA-256 of the event's canonical form, `recordedAt` never decreasing, stream versions
    /// gapless, and the stored head equal to the last event. Stops at the first bad position.
    /// `progress(checked, total)` is called now and then.
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) throws -> VerifyReport {
        let storedHead = try environment.read { txn in try ChainHead.read(dbs, in: txn) }
        let total = storedHead.position
        var expected: UInt64 = 1
        var prev = EventHash.zero
        var lastRecorded = Timestamp(millisecondsSince1970: .min)
        var versions: [String: UInt64] = [:]
        var scratch = [UInt8]()
        var failure: (UInt64, String)? = nil
        var done = false
        while !done && failure == nil {
            var scanned = 0
            done = true
            try environment.read { txn in
                try dbs.events.forEachRaw(in: txn, from: bigEndian(expected)) { key, value in
                    guard key.count == 8 else {
                        failure = (expected, "a key of the events database is not a position")
                        return false
                    }
                    let position = UInt64(bigEndian: key.loadUnaligned(as: UInt64.self))
                    guard position == expected else {
                        failure = (expected, "position \(expected) is missing (the next one is \(position))")
                        return false
                    }
                    let view: EventRecordView
                    do {
                        view = try EventRecordView(position: position, raw: value)
                    } catch {
                        failure = (position, "the record cannot be read: \(error)")
                        return false
                    }
                    guard view.prevHash == prev else {
                        failure = (position, "prevHash does not match the hash of position \(position - 1)")
                        return false
                    }
                    guard view.computeHash(scratch: &scratch) == view.hash else {
                        failure = (position, "hash does not match the event's content")
                        return false
                    }
                    guard view.recordedAt >= lastRecorded else {
                        failure = (position, "recordedAt goes back in time")
                        return false
                    }
                    let stream = view.stream
                    let version = view.version
                    guard version == (versions[stream] ?? 0) + 1 else {
                        failure = (position, "stream \(stream) jumps to version \(version) after \(versions[stream] ?? 0)")
                        return false
                    }
                    versions[stream] = version
                    lastRecorded = view.recordedAt
                    prev = view.hash
                    expected = position + 1
                    scanned += 1
                    if scanned % 65536 == 0 { progress?(position, total) }
                    if scanned >= Self.recordsPerTransaction * 4 {
                        done = false
                        return false
                    }
                    return true
                }
            }
        }
        let checked = expected - 1
        progress?(checked, total)
        if let failure {
            return VerifyReport(ok: false, events: checked, headHash: prev, position: failure.0, reason: failure.1)
        }
        if checked != storedHead.position || prev != storedHead.hash {
            return VerifyReport(
                ok: false, events: checked, headHash: prev, position: min(checked, storedHead.position) + 1,
                reason: "the stored head (position \(storedHead.position)) does not match the last event (position \(checked))")
        }
        return VerifyReport(ok: true, events: checked, headHash: prev, position: nil, reason: nil)
    }
}
