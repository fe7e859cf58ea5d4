import BizflowCLI

/// The `bizflow` executable: the command tree lives in BizflowCLI, so tests can run it in-process.
@main
struct BizflowMain: AsyncMainProtocol {
    typealias Command = BizflowCommand
}
