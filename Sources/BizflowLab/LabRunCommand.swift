import ArgumentParser
import BizflowCLI
import Foundation

/// `bizflow-lab run`: `bizflow run` with fault hooks installed, for the suites that prove recovery.
struct LabRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "bizflow run, with faults: the same tiers and options, and the hooks below.")

    @OptionGroup var run: RunCommand

    @Option(help: "SIGKILL this process right after the projector's Nth PostgreSQL commit, before its offsets reach Kafka.")
    var killAfterCommits: Int?

    func run() async throws {
        var hooks = RunCommand.Hooks()
        if let limit = killAfterCommits {
            hooks.projectorCommitted = { commits in
                guard commits >= limit else { return }
                print("fault injection: killing the process between the PostgreSQL and the Kafka commit")
                kill(getpid(), SIGKILL)
            }
        }
        try await run.run(hooks: hooks)
    }
}
