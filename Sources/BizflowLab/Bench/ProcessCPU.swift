import BizflowCLI
import Foundation

/// CPU time and resident memory of a process, from /proc (Linux).
enum ProcessCPU {
    /// User + system CPU seconds the process has used so far, or nil when it is gone.
    static func seconds(_ pid: Int32, task: String? = nil) -> Double? {
        let path = task.map { "/proc/\(pid)/task/\($0)/stat" } ?? "/proc/\(pid)/stat"
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds per kind of thread of the process, by thread name: the consumer's and producer's poll threads
    /// (`bz:*`), librdkafka's (`rdk:*`), and the rest (Swift's pool, dispatch).
    static func threads(_ pid: Int32) -> [String: Double] {
        var result: [String: Double] = [:]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks {
            guard let name = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8),
                let cpu = seconds(pid, task: task)
            else { continue }
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            let kind = trimmed.hasPrefix("bz:") ? trimmed : trimmed.hasPrefix("rdk:") ? "librdkafka" : "swift"
            result[kind, default: 0] += cpu
        }
        return result
    }

    /// Resident memory in bytes.
    static func residentBytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }

    /// Runs a program to completion on a thread of its own (posix_spawn, wait4), with `environment` added to this
    /// process's; its exit status, wall time and the CPU seconds it used.
    static func run(_ path: String, _ arguments: [String], environment: [String: String] = [:]) async
        -> (status: Int32, wall: Double, cpu: Double)
    {
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }.map { "\($0)=\($1)" }
        return await withCheckedContinuation { (continuation: CheckedContinuation<(status: Int32, wall: Double, cpu: Double), Never>) in
            Thread.detachNewThread {
                let started = Date()
                var pid: pid_t = 0
                let argv = ([path] + arguments).map { strdup($0) } + [nil]
                let envp = variables.map { strdup($0) } + [nil]
                defer { (argv + envp).forEach { free($0) } }
                guard posix_spawn(&pid, path, nil, nil, argv, envp) == 0 else {
                    return continuation.resume(returning: (-1, 0, 0))
                }
                var status: Int32 = 0
                var usage = rusage()
                while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
                let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                    + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
                let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                continuation.resume(returning: (code, Date().timeIntervalSince(started), cpu))
            }
        }
    }
}
