import BizflowCLI

/// The `bizflow` executable: the command tree lives in BizflowCLI, so tests can run it in-process.
@main
enum BizflowMain {
    static func main() async { await BizflowCommand.main() }
}
