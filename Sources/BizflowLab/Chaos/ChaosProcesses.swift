import BizflowCLI
import Foundation
import Synchronization

/// The `bizflow run` child processes of a chaos run, by slot name: started, SIGKILLed and restarted, stopped and
/// resumed, and measured (RSS). Waits for exits happen on threads of their own, never the cooperative pool.
final class ChaosProcesses: @unchecked Sendable {
    struct Slot: Sendable {
        var tiers: [String]
        var instance: String
        var extra: [String]
        var pid: Int32
    }

    let binary: String
    let arguments: [String]
    let environment: [String: String]
    let logDirectory: URL
    private let slots = Mutex<[String: Slot]>([:])
    private let exits = Mutex<[Int32: Int32]>([:])
    /// Foundation reports an exit only while its `Process` is alive: keep them all.
    private let lock = NSLock()
    private var processes: [Process] = []

    init(arguments: [String], environment: [String: String], logDirectory: URL) throws {
        binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        self.arguments = arguments
        self.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            .merging([ParentWatch.variable: "\(getpid())"]) { _, new in new }
        self.logDirectory = logDirectory
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
    }

    /// Starts `tiers` in a new process under `slot`, as process slot `instance` (a restart reuses it to fence), with
    /// `extra` arguments of its own.
    func start(_ slot: String, tiers: [String], instance: String, extra: [String] = []) throws {
        let log = logDirectory.appendingPathComponent("\(slot).log")
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // BIZFLOW_CHILD_LOG_LEVEL (e.g. debug, with KAFKA_CONFIG_DEBUG) makes the children's logs tell more.
        let level = environment["BIZFLOW_CHILD_LOG_LEVEL"] ?? "notice"
        process.arguments = ["run"] + tiers + ["--instance", instance, "--log-level", level] + arguments + extra
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.terminationHandler = { [self] finished in
            exits.withLock { $0[finished.processIdentifier] = finished.terminationStatus }
            try? handle.close()
        }
        try process.run()
        lock.withLock { processes.append(process) }
        slots.withLock { $0[slot] = Slot(tiers: tiers, instance: instance, extra: extra, pid: process.processIdentifier) }
    }

    func pid(_ slot: String) -> Int32? { slots.withLock { $0[slot]?.pid } }

    /// How the slot's current process ended, or nil while it runs.
    func exitStatus(_ slot: String) -> Int32? {
        guard let pid = pid(slot) else { return nil }
        return exits.withLock { $0[pid] }
    }

    /// SIGKILL, wait for the exit, start again with the same instance id.
    func killAndRestart(_ slot: String) async throws {
        guard let current = slots.withLock({ $0[slot] }) else { return }
        kill(current.pid, SIGKILL)
        await waitForExit(current.pid)
        try start(slot, tiers: current.tiers, instance: current.instance, extra: current.extra)
    }

    func signal(_ slot: String, _ signal: Int32) {
        if let pid = pid(slot) { kill(pid, signal) }
    }

    /// Waits until the process has ended (up to `timeout`); true when it did.
    @discardableResult
    func waitForExit(_ pid: Int32, timeout: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while exits.withLock({ $0[pid] }) == nil {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Resident memory of the slot's process in bytes (from /proc), or nil.
    func residentBytes(_ slot: String) -> Int? { pid(slot).flatMap(ProcessCPU.residentBytes) }

    /// SIGCONT (a stopped process would never see SIGTERM) and SIGTERM every process; SIGKILL what is left after
    /// `grace`.
    func stopAll(grace: Duration = .seconds(30)) async {
        let pids = slots.withLock { Array($0.values.map(\.pid)) }
        for pid in pids {
            kill(pid, SIGCONT)
            kill(pid, SIGTERM)
        }
        for pid in pids where !(await waitForExit(pid, timeout: grace)) {
            kill(pid, SIGKILL)
            await waitForExit(pid, timeout: .seconds(10))
        }
    }
}
