import BizflowEmbeddedBroker
@testable import BizflowKafka
import BizflowTestSupport
import Testing

@Suite("Embedded broker tools")
struct BrokerToolsTests {
    @Test("a fixed bootstrap port forwards clients to the embedded broker")
    func forwarder() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let topic = uniqueTopic()
        try broker.createTopic(topic, partitions: 1)
        var forwarder: BootstrapForwarder?
        for port in (41_000..<41_050).shuffled() where forwarder == nil {
            forwarder = try? BootstrapForwarder(port: port, target: broker.bootstrapServers)
        }
        let bootstrap = "127.0.0.1:\(try #require(forwarder).port)"
        let producer = try KafkaProducer(configuration: .init(kafka: KafkaConfig(bootstrapServers: bootstrap)), logger: testLogger())
        let report = try await producer.send(ProducerMessage(topic: topic, value: [42]))
        #expect(report.offset == 0)
        await producer.close()
        forwarder?.stop()
    }

    @Test("a port in use is a clear error")
    func portInUse() throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        var first: BootstrapForwarder?
        for port in (41_050..<41_100).shuffled() where first == nil {
            first = try? BootstrapForwarder(port: port, target: broker.bootstrapServers)
        }
        let taken = try #require(first).port
        let error = #expect(throws: KafkaError.self) { _ = try BootstrapForwarder(port: taken, target: broker.bootstrapServers) }
        #expect(error?.description.contains("in use") == true)
        first?.stop()
    }

    @Test("librdkafka statistics become gauges for the fields Bizflow watches")
    func statistics() {
        let json = #"{"name":"p#1","msg_cnt":12,"msg_size":1200,"tx":5,"rx":4,"brokers":{}}"#
        let recorded = json.withCString { StatisticsRecorder(client: "t").record(json: $0, length: json.utf8.count) }
        #expect(recorded == 4)
        let garbage = "not json"
        #expect(garbage.withCString { StatisticsRecorder(client: "t").record(json: $0, length: 8) } == 0)
    }

    @Test("configuration comes from the environment, with librdkafka pass-through")
    func environment() throws {
        let config = try KafkaConfig.fromEnvironment([
            "KAFKA_BOOTSTRAP_SERVERS": "k1:9092,k2:9092",
            "KAFKA_CONFIG_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_CONFIG_SASL_MECHANISMS": "PLAIN",
        ])
        #expect(config.bootstrapServers == "k1:9092,k2:9092")
        #expect(config.properties["security.protocol"] == "SASL_SSL")
        #expect(config.properties["sasl.mechanisms"] == "PLAIN")
        #expect(KafkaConfig.parseProperties("# c\nssl.ca.location = /x\n\nacks=all\n") == ["ssl.ca.location": "/x", "acks": "all"])
    }
}
