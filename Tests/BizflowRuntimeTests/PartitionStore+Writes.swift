@testable import BizflowRuntime

extension PartitionStore {
    /// Writes given as a dictionary literal (nil deletes), for tests.
    func apply(_ writes: [StateKey: [UInt8]?]) { apply(writes.map { (key: $0.key, value: $0.value) }) }
}
