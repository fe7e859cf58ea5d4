import Foundation
import Logging
import ServiceLifecycle

/// Stops `bizflow run` gracefully once the process that started it (bench, chaos, a test) is gone, so a killed
/// parent leaves no stages behind holding ports, CPU and consumer-group seats. Active when `BIZFLOW_PARENT_PID` names
/// the parent; it polls, because Linux's parent-death signal follows the spawning thread, not the process.
package struct ParentWatch: Service {
    package static let variable = "BIZFLOW_PARENT_PID"

    package let parent: pid_t
    package let logger: Logger

    /// The watch for this process, or nil when no parent asked for one.
    package static func fromEnvironment(logger: Logger) -> ParentWatch? {
        guard let text = ProcessInfo.processInfo.environment[variable], let pid = pid_t(text), pid > 1 else { return nil }
        return ParentWatch(parent: pid, logger: logger)
    }

    package func run() async {
        await cancelWhenGracefulShutdown {
            while getppid() == parent, !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
            }
        }
        if getppid() != parent {
            logger.warning("the parent process is gone: stopping", metadata: ["parent": "\(parent)"])
        }
    }
}
