import ArgumentParser
import BizflowEvents
import BizflowKafka
import BizflowLeads
import BizflowPostgres
import BizflowProjector
import BizflowRuntime
import BizflowTopology
import Foundation

/// `bizflow model train`: a scoring model learned from a tenant's outcomes, evaluated against the rules and published
/// to every scoring process (`scoring.models`).
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Scoring models learned from outcomes: train, evaluate against the rules, publish.",
        subcommands: [Train.self])

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a tenant's model on its projected leads and outcomes, compare it with the rules on the latest leads, publish it.",
            discussion: """
                Regularised logistic regression over each lead's fields as captured and its engagement since (LeadFeatures), \
                trained on the earliest leads of the window and evaluated on the latest (--holdout) against the rules' \
                score: AUC, Brier score, calibration and lift in the top decile. Published as a ScoringModel on \
                scoring.models (keyed by tenant): scoring processes pick it up without a restart and use it as \
                Topology/scoring.yaml says for the tenant (rules, model, blend or shadow).
                """)

        @Option(help: "The tenant whose leads train the model.") var tenant: String
        @Option(help: "First capture day included (YYYY-MM-DD).") var since: String?
        @Option(help: "First capture day excluded (YYYY-MM-DD).") var until: String?
        @Option(help: "Share of the latest leads held out to evaluate on.") var holdout = 0.2
        @Flag(help: "Evaluate only: publish nothing.") var dryRun = false
        @Option(help: "Prefix of the topics (as `bizflow run --topic-prefix`).") var topicPrefix = ""
        @OptionGroup var topologyOptions: TopologyOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var kafka: KafkaOptions

        func validate() throws {
            guard holdout > 0 && holdout < 1 else { throw ValidationError("--holdout must be between 0 and 1 (e.g. 0.2)") }
        }

        func run() async throws {
            let logger = kafka.logger("bizflow.model")
            let connection = database.connection(logger)
            defer { Task { await connection.close() } }
            let rows = try await ModelCommand.trainingRows(
                tenant: tenant, since: since ?? "1970-01-01", until: until ?? "9999-12-31", database: connection)
            let version = "\(tenant)-" + Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
                .replacingOccurrences(of: ":", with: "")
            let model: ScoringModel
            do {
                model = try ModelTrainer.train(rows, tenant: tenant, version: version, holdout: holdout)
            } catch {
                printError("no model for \(tenant): \(error.description)")
                throw ExitCode(1)
            }
            print(ModelCommand.describe(model))
            guard !dryRun else { return }
            // The topic the topology says carries published models.
            guard let carrier = try topologyOptions.loadChecked().inputTopic(for: ScoringModel.eventType) else {
                printError("no topic of \(topologyOptions.path) carries \(ScoringModel.eventType): declare one (see scoring.models)")
                throw ExitCode(1)
            }
            let topic = topicPrefix + carrier.name
            let producer = try KafkaProducer(configuration: .init(kafka: try kafka.kafkaConfig()), logger: logger)
            _ = try await producer.send(try EventRecord.make(model, source: "bizflow/model", topic: topic).0)
            await producer.close()
            print("published \(model.version) to \(topic): scoring uses it for \(tenant) as scoring.yaml says")
        }
    }

    /// The evaluation as tables: the model beside the rules on the holdout, the calibration, the strongest weights.
    static func describe(_ model: ScoringModel) -> String {
        let e = model.evaluation
        func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
        let comparison = [
            ["on the holdout (\(e.holdoutLeads) latest leads; trained on \(e.trainLeads))", "model", "rules"],
            ["AUC (higher is better)", f(e.modelAuc), f(e.rulesAuc)],
            ["Brier score (lower is better; rules: total / 100)", f(e.modelBrier), f(e.rulesBrier)],
            ["conversion in the top decile ÷ overall (\(f(e.conversionRate * 100, 1)) %)", f(e.modelTopDecileLift, 2), f(e.rulesTopDecileLift, 2)],
        ]
        let calibration = [["predicted", "observed", "leads"]] + e.calibration.map { [f($0.predicted), f($0.observed), "\($0.leads)"] }
        let strongest = zip(model.features, model.weights).sorted { abs($0.1) > abs($1.1) }.prefix(8)
        let weights = [["feature (standardised)", "weight"]] + strongest.map { [$0.0, f($0.1)] }
        return "model \(model.version)\n\n" + [comparison, calibration, weights].map(TextTable.render).joined(separator: "\n\n")
    }
}
