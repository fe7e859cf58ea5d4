import BizflowCLI
import Foundation

/// One fault's outcome: what went in, what came out, and the verdict.
struct ChaosRow: Sendable {
    var fault: String
    var runs: Int
    var eventsIn: Int
    var processed: Int
    var deadLettered: Int
    var lost: Int
    var duplicated: Int
    var problems: [String]
    var notes: [String]
    var seconds: Double

    var ok: Bool { problems.isEmpty && lost == 0 && duplicated == 0 }

    var cells: [String] {
        [
            fault, String(runs), String(eventsIn), String(processed), String(deadLettered), String(lost), String(duplicated),
            ok ? "ok" : "FAIL", String(Int(seconds.rounded())),
        ]
    }

    static let header = ["fault", "runs", "events in", "processed", "DLQ'd", "lost", "duplicated", "final check", "s"]

    var json: [String: Any] {
        [
            "fault": fault, "runs": runs, "events_in": eventsIn, "processed": processed, "dead_lettered": deadLettered,
            "lost": lost, "duplicated": duplicated, "ok": ok, "problems": problems, "notes": notes, "seconds": seconds,
        ]
    }
}
