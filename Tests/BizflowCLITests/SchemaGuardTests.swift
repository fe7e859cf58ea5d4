import BizflowTestSupport
import BizflowTopology
import Foundation
import SwiftProtobuf
import Testing

/// Pairs of fixture protos: the guard lets additive changes through and names every breaking one.
@Suite("Schema-evolution guard: the .proto files against their committed snapshot")
struct SchemaGuardTests {
    static let before = """
        syntax = "proto3";
        package shop.v1;
        enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; KIND_B = 2; }
        message Item { string sku = 1; int32 quantity = 2; }
        message Placed {
          string order_id = 1;
          string email = 2;
          repeated Item items = 3;
          Kind kind = 4;
          int64 total = 5;
          string note = 6;
        }
        message Internal { string x = 1; }
        """

    /// The descriptors of one fixture file.
    func descriptors(_ text: String) throws -> Google_Protobuf_FileDescriptorSet {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("shop/v1"), withIntermediateDirectories: true)
        try text.write(to: directory.appendingPathComponent("shop/v1/shop.proto"), atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try SchemaGuard.descriptors(ofProtosIn: directory.path)
    }

    func changes(to after: String) throws -> [SchemaChange] {
        SchemaGuard.breakingChanges(
            from: try descriptors(Self.before), to: try descriptors(after), carried: ["shop.v1.Placed"])
    }

    @Test("additive changes pass: a new field, a new message, a new enum value, a field removed with reserved")
    func additive() throws {
        var after = Self.before.replacingOccurrences(of: "string note = 6;", with: "string note = 6;\n  string channel = 7;")
        after = after.replacingOccurrences(of: "KIND_B = 2;", with: "KIND_B = 2; KIND_C = 3;")
        after += "\nmessage Shipped { string order_id = 1; }\n"
        #expect(try changes(to: after).isEmpty)
        let reserved = Self.before.replacingOccurrences(of: "string note = 6;", with: "reserved 6;")
        #expect(try changes(to: reserved).isEmpty)
        let unlisted = Self.before.replacingOccurrences(of: "message Internal { string x = 1; }", with: "")
        #expect(try changes(to: unlisted).isEmpty, "a message no topic carries may go")
    }

    @Test("each breaking change is refused with its file, message and field", arguments: [
        ("string note = 6;", "", "shop.v1.Placed.note (6)", "removed without `reserved 6;`"),
        ("string email = 2;", "string email = 9;", "shop.v1.Placed.email (2)", "renumbered to 9"),
        ("int64 total = 5;", "string total = 5;", "shop.v1.Placed.total (5)", "type changed"),
        ("repeated Item items = 3;", "Item items = 3;", "shop.v1.Placed.items (3)", "cardinality changed from repeated to singular"),
        ("string email = 2;", "string mail = 2;", "shop.v1.Placed.email (2)", "renamed to mail"),
        ("KIND_B = 2;", "", "shop.v1.Kind.KIND_B (2)", "value removed"),
        ("int32 quantity = 2;", "int64 quantity = 2;", "shop.v1.Item.quantity (2)", "type changed"),
    ])
    func breaking(old: String, new: String, member: String, problem: String) throws {
        let found = try changes(to: Self.before.replacingOccurrences(of: old, with: new))
        #expect(found.count == 1, "\(found)")
        let change = try #require(found.first)
        #expect("\(change.type).\(change.member)" == member)
        #expect(change.file == "shop/v1/shop.proto")
        #expect(change.problem.hasPrefix(problem), "\(change.problem)")
    }

    @Test("a message a topic carries may not be removed")
    func carriedMessage() throws {
        let after = Self.before.replacingOccurrences(of: "message Placed {", with: "message Placed2 {")
        #expect(try changes(to: after).map(\.type) == ["shop.v1.Placed"])
    }

    @Test("the repository's Protos/ match their committed snapshot; `topology check` says so and refuses a breaking edit")
    func repository() async throws {
        let protos = testRepositoryRoot.appendingPathComponent("Protos").path
        let snapshot = try #require(try SchemaGuard.snapshot(in: protos), "Protos/\(SchemaGuard.snapshotName) is committed")
        let carried = Set(try Topology.load(path: testRepositoryRoot.appendingPathComponent("Topology/topology.yaml").path)
            .topics.flatMap(\.events))
        let current = try SchemaGuard.descriptors(ofProtosIn: protos)
        #expect(SchemaGuard.breakingChanges(from: snapshot, to: current, carried: carried).isEmpty)
        let run = try await runCapturing(bizflowBinary, ["topology", "check", "--topology", testRepositoryRoot.appendingPathComponent("Topology/topology.yaml").path])
        #expect(run.status == 0, "\(run.stderr)")

        // A copy of the protos with a field renumbered: the check fails and names it.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("protos-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(atPath: protos, toPath: copy.path)
        let leads = copy.appendingPathComponent("bizflow/leads/v1/leads.proto")
        let text = try String(contentsOf: leads, encoding: .utf8)
        try text.replacingOccurrences(of: "string email = 3;", with: "string email = 99;").write(to: leads, atomically: true, encoding: .utf8)
        let broken = try await runCapturing(
            bizflowBinary,
            ["topology", "check", "--topology", testRepositoryRoot.appendingPathComponent("Topology/topology.yaml").path, "--protos", copy.path])
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("bizflow.leads.v1.LeadCaptured.email (3): renumbered to 99"), "\(broken.stderr)")
    }
}
