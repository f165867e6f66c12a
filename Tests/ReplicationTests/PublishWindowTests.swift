import Foundation
import Testing

@testable import Replication

@Suite("Publish window")
struct PublishWindowTests {
    static func ack(_ position: UInt64, at sequence: UInt64? = nil) -> AsyncPublishResult {
        AsyncPublishResult(expectedLastSequence: position - 1, ack: PubAck(sequence: sequence ?? position, duplicate: false), error: nil)
    }

    @Test("a run is counted in flight as a whole and released by its last message's ack, which confirms its position")
    func runsAreReleasedByTheirAck() async {
        let window = PublishWindow(limit: 10)
        #expect(await window.acquire(count: 4, endingAt: 4))
        #expect(await window.acquire(count: 6, endingAt: 10))
        #expect(window.messagesInFlight == 10)
        window.record(Self.ack(4))
        #expect(window.messagesInFlight == 6)
        #expect(window.confirmedPosition == 4)
        window.record(Self.ack(10))
        #expect(window.messagesInFlight == 0)
        #expect(window.confirmedPosition == 10)
        #expect(window.pendingFailure == nil && window.fatalError == nil)
    }

    @Test("a run that does not fit waits until acks free room; one alone in an empty window is admitted whatever its size")
    func admission() async throws {
        let window = PublishWindow(limit: 8)
        #expect(await window.acquire(count: 20, endingAt: 20))  // bigger than the window, but alone
        let admitted = Task { await window.acquire(count: 5, endingAt: 25) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(window.messagesInFlight == 20)  // still waiting
        window.record(Self.ack(20))
        #expect(await admitted.value)
        #expect(window.messagesInFlight == 5)
    }

    @Test("a failed run stops admission until reset; an abandoned run is released and its error kept")
    func failures() async {
        let window = PublishWindow(limit: 100)
        #expect(await window.acquire(count: 3, endingAt: 3))
        #expect(await window.acquire(count: 3, endingAt: 6))
        window.record(
            AsyncPublishResult(
                expectedLastSequence: 2, ack: nil, error: NATSError(status: 1, jetStreamCode: 10071, message: "wrong last sequence: 1")))
        #expect(window.pendingFailure?.message == "wrong last sequence: 1")
        #expect(await window.acquire(count: 1, endingAt: 7) == false)
        window.abandon(NATSError(status: 1, message: "later"), endingAt: 6)
        #expect(window.messagesInFlight == 0)
        #expect(window.pendingFailure?.message == "wrong last sequence: 1")  // the first failure is the one kept
        window.reset(confirmed: 2)
        #expect(window.pendingFailure == nil)
        #expect(await window.acquire(count: 1, endingAt: 3))
    }

    @Test("an ack at another sequence than its position, or for no run in flight, is fatal")
    func inconsistencies() async {
        let window = PublishWindow(limit: 100)
        #expect(await window.acquire(count: 2, endingAt: 2))
        window.record(Self.ack(2, at: 3))
        #expect(window.fatalError?.contains("position 2 at stream sequence 3") == true)
        let other = PublishWindow(limit: 100)
        other.record(Self.ack(9))
        #expect(other.fatalError?.contains("ends no run") == true)
        #expect(await other.acquire(count: 1, endingAt: 10) == false)
    }
}
