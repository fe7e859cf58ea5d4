import Foundation

/// Starts the dedicated thread a client's blocking librdkafka calls run on, named for the system (`top -H`, /proc:
/// at most 15 bytes) as well as for Foundation, which does not pass its names on to the system on Linux.
enum PollThread {
    static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            setSystemName(name)
            body()
        }
        thread.name = name
        thread.start()
    }

    /// Names the calling thread through /proc (prctl is variadic, out of Swift's reach); best effort.
    private static func setSystemName(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
