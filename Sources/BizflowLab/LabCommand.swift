import ArgumentParser
import BizflowCLI

/// The `bizflow-lab` command line: the measurements and the fault-injection suite, apart from the product.
public struct LabCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bizflow-lab",
        abstract: "Bizflow's lab: the load bench and its C and Python references, the fault-injection suite, and run with fault hooks.",
        subcommands: [BenchCommand.self, BenchRawCommand.self, BenchStateCommand.self, ChaosCommand.self, LabRunCommand.self])

    public init() {}
}
