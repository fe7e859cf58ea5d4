#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import BizflowKafka
import Foundation

/// Listens on a fixed local port and forwards each connection to the embedded broker's first listener.
/// The mock cluster picks random ports; clients only need the fixed one to bootstrap, since metadata
/// then points them at the brokers' own addresses.
public final class BootstrapForwarder: @unchecked Sendable {
    public let port: Int
    private let targetPort: UInt16
    private let listener: Int32
    private let stopFlag = LockedValue(false)

    /// Binds 127.0.0.1:`port` and forwards to `target` (`host:port`, loopback).
    public init(port: Int, target: String) throws(KafkaError) {
        guard let last = target.split(separator: ",").first?.split(separator: ":").last, let tp = UInt16(last) else {
            throw .local("start bootstrap forwarder", "cannot read a port from \(target)")
        }
        targetPort = tp
        self.port = port
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(UInt16(port))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            close(listener)
            throw .local("listen on 127.0.0.1:\(port)", "the port is in use: stop what holds it or pass --port")
        }
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "bizflow.broker.forwarder"
        thread.start()
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while !stopFlag.value {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(targetPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                close(client)
                close(upstream)
                continue
            }
            Self.pipe(from: client, to: upstream)
            Self.pipe(from: upstream, to: client)
        }
    }

    /// Copies bytes one way until either side closes, then shuts both down.
    private static func pipe(from source: Int32, to destination: Int32) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                var offset = 0
                while offset < n {
                    let written = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + offset, n - offset, Int32(MSG_NOSIGNAL)) }
                    if written <= 0 { break }
                    offset += written
                }
                if offset < n { break }
            }
            shutdown(source, Int32(SHUT_RDWR))
            shutdown(destination, Int32(SHUT_RDWR))
            close(source)
        }
        thread.start()
    }

    /// Stops accepting new connections.
    public func stop() {
        stopFlag.value = true
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
