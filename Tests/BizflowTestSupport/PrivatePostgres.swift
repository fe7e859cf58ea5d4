import Foundation
import Testing

/// A PostgreSQL server of one test's own (ops/pg in a temporary directory, on a free port), for a test that restarts
/// its server: restarting the shared one would cut every other test's connections.
public struct PrivatePostgres: Sendable {
    public let directory: String
    /// The server's DATABASE_URL (its `postgres` database).
    public let url: String

    public static func start() async throws -> PrivatePostgres {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bizflow-pg-\(UUID().uuidString.prefix(8))").path
        let port = freePort()
        // Not through a pipe: the server it starts would keep the pipe open, and reading it would never end.
        let status = await runProgram(pg.path, ["start", directory, "\(port)"])
        try #require(status == 0, "ops/pg start failed")
        return PrivatePostgres(directory: directory, url: "postgresql://bizflow@127.0.0.1:\(port)/postgres")
    }

    public func restart() async {
        #expect(await runProgram(Self.pg.path, ["restart", directory]) == 0, "ops/pg restart failed")
    }

    public func stop() async { _ = await runProgram(Self.pg.path, ["stop", directory]) }

    private static var pg: URL { testRepositoryRoot.appendingPathComponent("ops/pg") }

    /// A port nothing listens on now (the kernel's pick for a socket bound to port 0).
    private static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
