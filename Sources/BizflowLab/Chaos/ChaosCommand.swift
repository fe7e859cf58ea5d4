import ArgumentParser
import BizflowCLI
import BizflowProjector
import Foundation

/// `bizflow-lab chaos`: the fault-injection suite. Each fault gets a fresh embedded broker, every tier and the projector
/// as child processes, a seeded workload and an oracle; the table says, per fault, what went in, what was processed
/// and dead-lettered, and how much was lost or duplicated (every row must read 0 and 0).
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Inject faults (kills, broker errors, zombies, PostgreSQL restarts and locks, poison, failing webhooks) and prove nothing is lost or applied twice (ops/chaos starts PostgreSQL).",
        discussion: """
            Faults: kill:<tier|projector>, broker-down, request-errors, endtxn-delay, zombie:<tier|projector>, \
            pg-restart, table-lock, poison, webhooks. Default: all of them, each kill with --rounds kills.
            """)

    @Option(help: "Faults to inject (repeatable; default: every fault).") var fault: [String] = []
    @Flag(help: "The CI-sized run: a selection of faults, a small workload, 2 kills per kind, a 6 s table lock.") var ci = false
    @Option(help: "SIGKILL rounds per process kind.") var rounds = 20
    @Option(help: "Leads per run.") var leads = 300
    @Option(help: "Orders per run.") var orders = 60
    @Option(help: "Seed of the workload.") var seed: UInt64 = 7
    @Option(help: "Seconds a table lock is held.") var lockSeconds = 30
    @Option(help: "The throwaway PostgreSQL's data directory, so pg-restart can restart it (ops/chaos passes it).")
    var pgDir: String?
    @Option(help: "Where the child processes' logs go.") var logs = ".bizflow/chaos"
    @Option(help: "Write the table as JSON here as well.") var json: String?
    @OptionGroup var topologyOptions: TopologyOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    func faults() throws -> [ChaosFault] {
        if !fault.isEmpty {
            return try fault.map { name in
                guard let parsed = ChaosFault(name: name), parsed.target.map({ ChaosRun.kinds.contains($0) }) ?? true else {
                    throw ValidationError("unknown fault \(name): kill:<\(ChaosRun.kinds.joined(separator: "|"))>, broker-down, request-errors, endtxn-delay, zombie:<kind>, pg-restart, table-lock, poison, webhooks")
                }
                return parsed
            }
        }
        return ci ? ChaosFault.ci() : ChaosFault.all(kinds: ChaosRun.kinds)
    }

    func validate() throws {
        _ = try faults()
        guard rounds > 0, leads > 0, orders > 0, lockSeconds > 0 else {
            throw ValidationError("--rounds, --leads, --orders and --lock-seconds must be positive")
        }
    }

    func run() async throws {
        var logger = logging.logger("bizflow.chaos")
        // The suite's own clients see every injected broker fault: those errors are the point, not news.
        if logger.logLevel >= .warning { logger.logLevel = .critical }
        let url = try database.requiredURL(for: "chaos", script: "ops/chaos")
        let topology = try topologyOptions.loadChecked()
        let connection = try await database.migrated(logger, name: "chaos")
        var options = ChaosRun.Options(databaseURL: url, logDirectory: URL(fileURLWithPath: logs))
        options.leads = ci ? min(leads, 150) : leads
        options.orders = ci ? min(orders, 40) : orders
        options.seed = seed
        options.rounds = ci ? min(rounds, 2) : rounds
        options.lockDuration = .seconds(ci ? min(lockSeconds, 6) : lockSeconds)
        options.pgDirectory = pgDir
        let faults = try faults()
        try? FileManager.default.removeItem(atPath: logs)  // logs of this run only
        say("▶ \(faults.count) faults, \(options.leads) leads and \(options.orders) orders each (seed \(seed)); logs in \(logs)/")
        var rows: [ChaosRow] = []
        for fault in faults {
            say("▶ \(fault)")
            let row = try await ChaosRun(fault: fault, topology: topology, options: options, database: connection, logger: logger).run()
            say("  \(row.ok ? "ok" : "FAIL") in \(Int(row.seconds.rounded())) s")
            for note in row.notes { say("    \(note)") }
            for problem in row.problems { say("    ✘ \(problem)") }
            rows.append(row)
        }
        await connection.close()
        say("")
        say(TextTable.render([ChaosRow.header] + rows.map(\.cells)))
        if let json {
            try jsonText(["seed": seed, "rows": rows.map(\.json), "ok": rows.allSatisfy(\.ok)]).write(
                toFile: json, atomically: true, encoding: .utf8)
        }
        guard rows.allSatisfy(\.ok) else {
            printError("✘ \(rows.filter { !$0.ok }.count) of \(rows.count) faults lost, duplicated or broke something")
            throw ExitCode(1)
        }
        print("✔ every fault: 0 lost, 0 duplicated")
    }
}

/// A line on standard output now, not when the buffer fills (progress of a long run that is piped into a log).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
