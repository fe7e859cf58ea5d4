import Foundation

/// The repository's root (where `.build` and `Topology/` are).
public let testRepositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs the built `bizflow` binary as a child process; what it prints goes to a file, so a failed test can say why.
public final class BizflowProcess: @unchecked Sendable {
    public let process = Process()
    /// The child's standard output and error, interleaved.
    public let log = FileManager.default.temporaryDirectory.appendingPathComponent("bizflow-\(UUID().uuidString.prefix(8)).log")

    /// A `run` child keeps its tiers' local state in `stateDirectory` (default: a new temporary directory, so tests
    /// on different brokers never meet in one store); pass the same one to a restarted process to reuse its stores.
    public init(
        _ arguments: [String], environment: [String: String] = [:], binary: URL = bizflowBinary, stateDirectory: URL? = nil
    ) throws {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "\(binary.path): run `swift build` first"])
        }
        process.executableURL = binary
        var arguments = arguments
        if arguments.first == "run", !arguments.contains("--state-dir"), !arguments.contains("--in-memory-state") {
            arguments += ["--state-dir", (stateDirectory ?? Self.newStateDirectory()).path]
        }
        process.arguments = arguments
        process.currentDirectoryURL = testRepositoryRoot
        process.environment = childEnvironment(environment)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    deinit { try? FileManager.default.removeItem(at: log) }

    /// A state directory of its own for a `run` child.
    public static func newStateDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("bizflow-state-\(UUID().uuidString.prefix(8))")
    }

    /// The last `lines` lines the child printed, for a failure message.
    public func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    public func kill() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        await exited()
    }

    @discardableResult
    public func terminate() async -> Int32 {
        process.terminate()
        await exited()
        return process.terminationStatus
    }

    /// Waits for the process to end by itself; returns how it ended.
    public func wait() async -> (status: Int32, killed: Bool) {
        await exited()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    /// Waits on a thread of its own: a blocked wait on the cooperative pool (two threads on a 2-core machine)
    /// would stall every other test running meanwhile.
    private func exited() async {
        let process = self.process
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                process.waitUntilExit()
                continuation.resume()
            }
        }
    }
}

/// What a finished program printed.
public struct ProgramOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a program to completion on a thread of its own (never the cooperative pool) and captures its output;
/// standard error goes through a file so neither pipe can fill up and stall the child.
public func runCapturing(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws
    -> ProgramOutput
{
    let errors = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errors) }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = testRepositoryRoot
    process.environment = childEnvironment(environment)
    let out = Pipe()
    process.standardOutput = out
    process.standardError = try FileHandle(forWritingTo: errors)
    try process.run()
    let output = await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
        Thread.detachNewThread {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            continuation.resume(returning: data)
        }
    }
    return ProgramOutput(
        status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
        stderr: (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
}

/// This process's environment with `environment` on top; a `bizflow run` child stops by itself if the test process
/// dies (see ParentWatch).
func childEnvironment(_ environment: [String: String]) -> [String: String] {
    ProcessInfo.processInfo.environment.merging(["BIZFLOW_PARENT_PID": "\(getpid())"]) { _, new in new }
        .merging(environment) { _, new in new }
}

/// The built `bizflow` binary.
public var bizflowBinary: URL { testRepositoryRoot.appendingPathComponent(".build/debug/bizflow") }

/// The built `bizflow-lab` binary: bench, chaos, and `run` with fault hooks.
public var bizflowLabBinary: URL { testRepositoryRoot.appendingPathComponent(".build/debug/bizflow-lab") }
