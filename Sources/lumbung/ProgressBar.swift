import Foundation

/// A progress bar on stderr, drawn only when stderr is a terminal, at most ten times a second.
///
/// `lumbung export > file` on a terminal shows it; `2>log` or a pipe in CI does not.
struct ProgressBar {
    let label: String
    let unit: String
    let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast

    init(label: String, unit: String = "events", enabled: Bool = Console.stderrIsTerminal) {
        self.label = label
        self.unit = unit
        self.enabled = enabled
    }

    mutating func update(_ done: UInt64, of total: UInt64) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        draw(done, total)
    }

    func finish(_ done: UInt64, of total: UInt64) {
        guard enabled else { return }
        draw(done, max(total, done))
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw(_ done: UInt64, _ total: UInt64) {
        let width = 30
        let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = max(0.001, Date().timeIntervalSince(start))
        let rate = Double(done) / elapsed
        let line = "\r\(label) ▕\(bar)▏ \(Int(fraction * 100))% \(done)/\(total) \(unit), \(Self.human(rate))/s "
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func human(_ rate: Double) -> String {
        switch rate {
        case 1_000_000...: String(format: "%.1fM", rate / 1_000_000)
        case 1_000...: String(format: "%.1fk", rate / 1_000)
        default: String(format: "%.0f", rate)
        }
    }
}

/// A progress bar that callbacks from other threads may update.
final class SharedProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var bar: ProgressBar

    init(_ bar: ProgressBar) { self.bar = bar }

    /// Draws `done` of `total`, and ends the line when done reaches total.
    func update(_ done: UInt64, of total: UInt64) {
        lock.withLock {
            bar.update(done, of: total)
            if done >= total { bar.finish(done, of: total) }
        }
    }
}

/// A progress bar shared with a @Sendable callback.
final class ProgressBox: @unchecked Sendable {
    private var bar: ProgressBar
    private var last: (UInt64, UInt64) = (0, 0)
    private let lock = NSLock()
    init(_ bar: ProgressBar) { self.bar = bar }
    func update(_ done: UInt64, _ total: UInt64) {
        lock.withLock {
            last = (done, total)
            bar.update(done, of: total)
        }
    }
    func finish() { lock.withLock { bar.finish(last.0, of: last.1) } }
}
