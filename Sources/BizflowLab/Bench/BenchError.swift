import BizflowCLI
import Foundation

/// A benchmark step that cannot go on.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
