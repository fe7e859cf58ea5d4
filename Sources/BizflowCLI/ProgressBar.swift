import Foundation

/// A one-line progress bar on stderr: `label [#####.....] done/total unit  rate/s  ETA n s`.
struct ProgressBar {
    let label: String
    let unit: String
    let started = ContinuousClock.now
    /// Only draws when stderr is a terminal (CI logs get the final line only).
    let interactive = isatty(STDERR_FILENO) == 1

    func update(_ done: Int64, of total: Int64) {
        guard interactive else { return }
        FileHandle.standardError.write(Data(("\r" + line(done, total) + "   ").utf8))
    }

    func finish(_ done: Int64, of total: Int64) {
        FileHandle.standardError.write(Data(((interactive ? "\r" : "") + line(done, total) + "   \n").utf8))
    }

    private func line(_ done: Int64, _ total: Int64) -> String {
        let width = 24
        let share = total <= 0 ? 1 : min(1, Double(done) / Double(total))
        let filled = Int(share * Double(width))
        let seconds = (ContinuousClock.now - started).seconds
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let eta = rate > 0 && done < total ? " ETA \(Int(Double(total - done) / rate)) s" : ""
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        return "\(label) [\(bar)] \(done)/\(total) \(unit)  \(Int(rate))/s\(eta)"
    }
}
