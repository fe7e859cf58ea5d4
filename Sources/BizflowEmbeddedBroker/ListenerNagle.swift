#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import BizflowKafka
import Foundation

/// Turns Nagle's algorithm off on the embedded broker's listening sockets. librdkafka's mock cluster accepts
/// connections without TCP_NODELAY (a real Kafka broker sets it on every connection), so a small response written
/// right after another waits for the client's delayed ACK: about 40 ms, on every transaction's flush and commit.
/// Linux copies the option from a listening socket to the connections it accepts, so setting it on the listeners
/// once covers every connection, later ones included.
enum ListenerNagle {
    /// Sets TCP_NODELAY on this process's listening TCP sockets bound to `ports`; returns how many it changed.
    @discardableResult
    static func disable(onPorts ports: Set<UInt16>) -> Int {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return 0 }
        var changed = 0
        for entry in entries {
            guard let fd = Int32(entry), isListener(fd), let port = localPort(fd), ports.contains(port) else { continue }
            var one: Int32 = 1
            if setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 {
                changed += 1
            }
        }
        return changed
    }

    /// The ports of a `host:port,host:port` list.
    static func ports(of bootstrap: String) -> Set<UInt16> {
        Set(bootstrap.split(separator: ",").compactMap { $0.split(separator: ":").last.flatMap { UInt16($0) } })
    }

    private static func isListener(_ fd: Int32) -> Bool {
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFSOCK else { return false }
        var accepting: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting == 1
    }

    private static func localPort(_ fd: Int32) -> UInt16? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok, address.sin_family == sa_family_t(AF_INET) else { return nil }
        return UInt16(bigEndian: address.sin_port)
    }
}
