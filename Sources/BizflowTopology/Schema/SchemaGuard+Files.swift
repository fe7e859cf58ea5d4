import Foundation
import SwiftProtobuf

extension SchemaGuard {
    /// Why the guard cannot run.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The descriptors of every `.proto` file under `directory`, as `protoc` compiles them (`protoc` must be on the
    /// PATH: ops/setup installs it).
    public static func descriptors(ofProtosIn directory: String) throws -> Google_Protobuf_FileDescriptorSet {
        let files = (FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".proto") }.sorted()
        guard !files.isEmpty else { throw Unavailable(description: "no .proto files under \(directory)") }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bizflow-schema-\(UUID().uuidString).pb")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["protoc", "-I", directory, "--descriptor_set_out=\(output.path)"] + files
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Unavailable(description: "cannot run protoc (\(error)): install protobuf-compiler (ops/setup does)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Unavailable(description: "protoc refused the .proto files under \(directory): \(message)")
        }
        return try Google_Protobuf_FileDescriptorSet(serializedBytes: [UInt8](try Data(contentsOf: output)))
    }

    /// The committed snapshot beside the protos, nil when there is none.
    public static func snapshot(in directory: String) throws -> Google_Protobuf_FileDescriptorSet? {
        let path = (directory as NSString).appendingPathComponent(snapshotName)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return try Google_Protobuf_FileDescriptorSet(textFormatString: text)
    }

    /// Records `set` as the snapshot (text format, so a review sees what changed).
    public static func writeSnapshot(_ set: Google_Protobuf_FileDescriptorSet, in directory: String) throws {
        let header = "# The descriptors of Protos/ that `bizflow topology check` compares changes with. Written by\n"
            + "# `bizflow topology check --accept-schema`: change it only deliberately, with the change it accepts.\n"
        try (header + set.textFormatString()).write(
            toFile: (directory as NSString).appendingPathComponent(snapshotName), atomically: true, encoding: .utf8)
    }
}
