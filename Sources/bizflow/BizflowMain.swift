import BizflowCLI
@preconcurrency import Glibc

/// The `bizflow` executable: the command tree lives in BizflowCLI, so tests can run it in-process.
@main
enum BizflowMain {
    static func main() async {
        // Line by line even into a file or pipe: progress reaches logs as it happens, in order with what goes to
        // standard error, and is not lost in a buffer if the process is killed.
        setvbuf(stdout, nil, _IOLBF, 0)
        await BizflowCommand.main()
    }
}
