import BizflowTestSupport
import Foundation
import Testing

@Suite("bizflow-lab bench", .enabled(if: postgresAvailable, "needs PostgreSQL: run ops/test"))
struct BenchTests {
    @Test("a tiny bench run measures every phase, tier, stage drain (with its profile) and reference and writes the ratios as JSON (no speed is asserted)")
    func tinyRun() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString.prefix(8)).json").path
        let run = try await runCapturing(
            bizflowLabBinary,
            [
                "bench", "--rate", "50", "--seconds", "2", "--ramp", "100", "--backlog", "300", "--reference-records", "2000",
                "--database-url", database.url, "--json", json, "--profile",
            ],
            environment: ["BIZFLOW_CHILD_LOG_LEVEL": "info"])
        // On failure, what the bench and its stages said: CI keeps nothing else.
        #expect(run.status == 0, "bench failed: \(run.stderr.suffix(2_000))\n\(Self.stageLogTails())")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let phases = try #require(report["phases"] as? [[String: Any]])
        #expect(phases.map { $0["name"] as? String ?? "" }.contains { $0.hasPrefix("half saturation") })
        for phase in phases {
            #expect((phase["projected"] as? Int) == (phase["sent"] as? Int), "every lead sent in \(phase["name"] ?? "") reached PostgreSQL")
            let tiers = try #require(phase["tiers"] as? [String: [String: Any]])
            #expect(Set(tiers.keys) == ["scoring", "assignment", "projector"])
            #expect(tiers.values.allSatisfy { ($0["cpu_us_per_event"] as? Double ?? 0) > 0 && ($0["rss_bytes"] as? Int ?? 0) > 0 })
        }
        let drains = try #require(report["drains"] as? [[String: Any]])
        #expect(drains.map { $0["stage"] as? String ?? "" } == ["scoring", "assignment", "projector"])
        #expect(drains.map { $0["events"] as? Int ?? 0 } == [300, 300, 900], "each stage drained the whole backlog alone")
        #expect(drains.allSatisfy { ($0["cpu_us_per_event"] as? Double ?? 0) > 0 })
        let scoring = try #require(drains.first?["profile_seconds"] as? [String: [String: Double]])
        let stages = Set((scoring["stages"] ?? [:]).keys)
        #expect(stages.isSuperset(of: ["read", "handle", "write", "plan", "produce", "commit"]), "\(stages)")
        #expect(Set((scoring["threads"] ?? [:]).keys).isSuperset(of: ["swift", "librdkafka", "bz:consumer", "bz:producer"]))
        #expect((scoring["stages"]?["handle"] ?? 0) > 0, "the scoring tier's handler took time")
        let references = try #require(report["references"] as? [[String: Any]])
        #expect(references.count == 5 && references.allSatisfy { ($0["records_per_s"] as? Double ?? 0) > 0 })
        #expect(references.contains { ($0["name"] as? String)?.hasSuffix("exactly-once") == true }, "the transactional copier ran")
        #expect(references.contains { ($0["name"] as? String)?.hasPrefix("Swift scoring logic") == true }, "the logic loop ran")
        #expect(references.contains { ($0["name"] as? String)?.hasPrefix("Python scoring peer") == true }, "the Python peer ran")
        let ratios = try #require(report["ratios"] as? [[String: Any]])
        #expect(ratios.count >= 5 && ratios.allSatisfy { ($0["value"] as? Double ?? 0) > 0 })
        await database.connection.close()
    }

    /// The last lines of each stage's log of the last bench run.
    static func stageLogTails() -> String {
        let directory = testRepositoryRoot.appendingPathComponent(".bizflow/bench-logs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { name in
            let text = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return "== \(name)\n" + text.split(separator: "\n").suffix(15).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
