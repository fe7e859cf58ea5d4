@testable import BizflowRuntime
import Foundation
import Testing

@Suite("State codec")
struct StateCodecTests {
    enum Phase: String, Codable { case open, closed }
    enum Shape: Codable, Equatable {
        case circle(radius: Double)
        case label(String)
        case none
    }

    struct Line: Codable, Equatable {
        var sku: String
        var quantity: Int64
        var note: String?
    }

    struct Sample: Codable, Equatable {
        var phase: Phase
        var payload: [UInt8]
        var lines: [Line]
        var counts: [String: Int]
        var byNumber: [Int: String]
        var optional: Int?
        var present: String?
        var flags: [Bool]
        var ratio: Double
        var small: Int32
        var unsigned: UInt64
        var shapes: [Shape]
        var nested: [[String]]
        var empty: [Line]
        var emptyMap: [String: Line]
    }

    static let sample = Sample(
        phase: .closed, payload: Array(0...255) + [0xB1], lines: [.init(sku: "A", quantity: -3, note: nil), .init(sku: "Ü-1", quantity: .max, note: "x")],
        counts: ["a": 1, "b": -2], byNumber: [3: "three", -1: "minus"], optional: nil, present: "here",
        flags: [true, false], ratio: -0.125, small: .min, unsigned: .max,
        shapes: [.circle(radius: 2.5), .label("l"), .none], nested: [[], ["x", ""]], empty: [], emptyMap: [:])

    @Test("values round-trip: nested structs, optionals, enums with payloads, dictionaries, bytes and extremes")
    func roundTrip() throws {
        let bytes = try StateEncoder().encode(Self.sample)
        #expect(bytes.first == StateEncoder.formatByte)
        #expect(try StateDecoder().decode(Sample.self, from: bytes) == Self.sample)
        for value in [Int64.min, -1, 0, 1, 127, 128, .max] {
            #expect(try StateDecoder().decode(Int64.self, from: try StateEncoder().encode(value)) == value)
        }
        #expect(try StateDecoder().decode(String?.self, from: try StateEncoder().encode(String?.none)) == nil)
    }

    @Test("it is smaller than JSON, and byte payloads cost their size")
    func compact() throws {
        let binary = try StateEncoder().encode(Self.sample)
        let json = try JSONEncoder().encode(Self.sample)
        #expect(binary.count < json.count)
        let bytes = try StateEncoder().encode(Array(repeating: UInt8(200), count: 1_000))
        #expect(bytes.count <= 1_000 + 4)
    }

    @Test("values written as JSON by earlier versions still decode")
    func legacyJSON() throws {
        let json = Array(try JSONEncoder().encode(Self.sample))
        #expect(try StateDecoder().decode(Sample.self, from: json) == Self.sample)
    }

    @Test("truncated or corrupted bytes throw instead of crashing")
    func corrupt() throws {
        let bytes = try StateEncoder().encode(Self.sample)
        for cut in stride(from: 1, to: bytes.count, by: 7) {
            #expect(throws: (any Error).self) { try StateDecoder().decode(Sample.self, from: Array(bytes.prefix(cut))) }
        }
        var flipped = bytes
        flipped[1] = 0x7f  // no such tag
        #expect(throws: (any Error).self) { try StateDecoder().decode(Sample.self, from: flipped) }
        #expect(throws: DecodingError.self) { try StateDecoder().decode(Int.self, from: try StateEncoder().encode("text")) }
    }

    @Test("integers read without Codable agree with the decoder; anything else is left to it")
    func integers() throws {
        for value in [0, 1, -1, 63, -64, 127, 128, 300, -300, Int.max, Int.min] {
            let bytes = try StateEncoder().encode(value)
            #expect(StateDecoder.integer(bytes) == Int64(value))
            var state = TierState.detached()
            state.set(value, "counts", "k")
            #expect(state.int("counts", "k") == value)
        }
        #expect(StateDecoder.integer(try StateEncoder().encode("7")) == nil)
        #expect(StateDecoder.integer(try StateEncoder().encode([7])) == nil)
        #expect(StateDecoder.integer(Array(try StateEncoder().encode(7).dropLast())) == nil)
        #expect(StateDecoder.integer(try StateEncoder().encode(7) + [0]) == nil)
        var legacy = TierState.detached()
        legacy.setBytes(Array("42".utf8), "counts", "json")  // written as JSON by an earlier version
        #expect(legacy.int("counts", "json") == 42)
        #expect(legacy.int("counts", "absent") == nil)
    }
}
