import ArgumentParser
import BizflowEvents
import BizflowKafka
import BizflowRuntime
import Foundation

/// `bizflow produce <event-type> --json '…'` (or JSON lines on stdin).
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Encode proto3 JSON as a protobuf event with CloudEvents headers and send it; prints the event ids.",
        discussion: "Every input is validated before anything is sent: one bad line sends nothing.")

    @Argument(help: "Event type, e.g. bizflow.leads.v1.LeadCaptured or LeadCaptured.")
    var eventType: String?

    @Option(help: "One event as proto3 JSON; without it, JSON lines are read from standard input.")
    var json: String?

    @Option(help: "Topic (default: the topology's input topic for the type).")
    var topic: String?

    @Option(help: "The ce_source header.")
    var source = "bizflow/cli"

    @Flag(help: "List the event types and their topics.")
    var list = false

    @OptionGroup var topologyOptions: TopologyOptions
    @OptionGroup var kafka: KafkaOptions

    func run() async throws {
        let topology = try? topologyOptions.load()
        if list {
            for type in EventCatalog.all {
                print(type.eventType.padding(toLength: 44, withPad: " ", startingAt: 0), topology?.inputTopic(for: type.eventType)?.name ?? "-")
            }
            return
        }
        guard let eventType else { throw ValidationError("name an event type, e.g. LeadCaptured (--list shows them)") }
        guard let type = EventCatalog.type(named: eventType) else {
            throw ValidationError("unknown event type \(eventType): `bizflow produce --list` shows the known ones")
        }
        guard let target = topic ?? topology?.inputTopic(for: type.eventType)?.name else {
            throw ValidationError("no topic carries \(type.eventType) in \(topologyOptions.path): pass --topic")
        }
        let inputs = try json.map { [$0] } ?? readLines()
        guard !inputs.isEmpty else { throw ValidationError("no input: pass --json or JSON lines on stdin") }
        // Validate everything first, so bad input sends nothing.
        var records: [(ProducerMessage, EventEnvelope)] = []
        for (index, input) in inputs.enumerated() {
            do {
                let event = try EventCatalog.fromJSON(input, typeName: type.eventType)
                records.append(try EventRecord.make(event, source: source, topic: target))
            } catch let error as EventError {
                let where_ = inputs.count > 1 ? "line \(index + 1): " : ""
                throw ValidationError("\(where_)\(error.description); nothing was sent")
            }
        }
        let producer = try KafkaProducer(
            configuration: .init(kafka: try kafka.kafkaConfig()), logger: kafka.logger("bizflow.produce"))
        // Sent in order, in windows of 1,000 awaited together: every report is checked and printed.
        var start = records.startIndex
        while start < records.endIndex {
            let window = records[start..<min(start + 1_000, records.endIndex)]
            let reports = try await producer.sendAll(window.map(\.0))
            for (record, report) in zip(window, reports) {
                print("\(record.1.id) \(report.topic)[\(report.partition)]@\(report.offset)")
            }
            start = window.endIndex
        }
        await producer.close()
    }

    private func readLines() throws -> [String] {
        var lines: [String] = []
        while let line = Swift.readLine() {
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(line) }
        }
        return lines
    }
}
