import BizflowLab

/// The `bizflow-lab` executable: the command tree lives in BizflowLab.
@main
enum BizflowLabMain {
    static func main() async { await LabCommand.main() }
}
