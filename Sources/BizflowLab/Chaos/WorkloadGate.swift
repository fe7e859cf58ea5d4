import BizflowCLI
import Foundation

/// Where the workload sender and a fault meet: the sender holds its last chunk back until the fault releases it
/// (the zombie check needs a quiet system, then traffic again).
actor WorkloadGate {
    private(set) var holding = false
    private var released = false

    /// The sender: everything but the last chunk is out; waits for the release.
    func hold() async {
        holding = true
        while !released { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// The fault: waits until the sender holds.
    func waitUntilHolding() async {
        while !holding { try? await Task.sleep(for: .milliseconds(20)) }
    }

    func release() { released = true }
}
