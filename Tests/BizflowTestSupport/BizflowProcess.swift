import Foundation

/// The repository's root (where `.build` and `Topology/` are).
public let testRepositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs the built `bizflow` binary as a child process.
public final class BizflowProcess: @unchecked Sendable {
    public let process = Process()

    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let binary = testRepositoryRoot.appendingPathComponent(".build/debug/bizflow")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "\(binary.path): run `swift build` first"])
        }
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = testRepositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    public func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    @discardableResult
    public func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits for the process to end by itself; returns how it ended.
    public func wait() -> (status: Int32, killed: Bool) {
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }
}
