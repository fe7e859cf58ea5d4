import BizflowEvents
import BizflowKafka
import BizflowRuntime
import Foundation

/// Formats consumed records as one JSON object per line.
public enum EventPrinter {
    public static func line(for message: KafkaMessage) -> String {
        var fields = [
            "\"topic\":\(quote(message.topic))", "\"partition\":\(message.partition)", "\"offset\":\(message.offset)",
            "\"key\":\(message.keyString.map(quote) ?? "null")",
        ]
        let headers = message.headers.map { "\(quote($0.key)):\($0.stringValue.map(quote) ?? "null")" }
        fields.append("\"headers\":{\(headers.joined(separator: ","))}")
        do {
            let (envelope, event) = try EventRecord.decode(message)
            fields.append("\"type\":\(quote(envelope.type))")
            fields.append("\"event\":\(EventCatalog.json(event))")
        } catch {
            fields.append("\"error\":\(quote(error.description))")
            fields.append("\"error_class\":\(quote(error.errorClass))")
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return encoder
    }()

    static func quote(_ text: String) -> String {
        let data = (try? encoder.encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
