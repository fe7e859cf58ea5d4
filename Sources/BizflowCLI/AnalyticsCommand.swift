import ArgumentParser
import BizflowPostgres
import BizflowProjector
import Foundation

/// `bizflow analytics <report>`: a report over the read models for one tenant, as a table, CSV or JSON.
struct AnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Reports over the read models: " + Analytics.reports.map(\.name).joined(separator: ", ") + ".",
        discussion: Analytics.reports.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n"))

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Argument(help: "The report.") var report: String
    @Option(help: "The tenant whose rows to report (row-level security shows no other).") var tenant: String
    @Option(help: "First day included (YYYY-MM-DD).") var since: String?
    @Option(help: "First day excluded (YYYY-MM-DD).") var until: String?
    @Option(help: "table, csv or json.") var format: Format = .table
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard Analytics.report(named: report) != nil else {
            throw ValidationError("unknown report \(report): choose one of \(Analytics.reports.map(\.name).joined(separator: ", "))")
        }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, (try? Date.ISO8601FormatStyle().year().month().day().parse(value)) == nil {
                throw ValidationError("\(name) must be a date like 2026-11-24")
            }
        }
    }

    func run() async throws {
        let connection = database.connection(logging.logger("bizflow.analytics"))
        let rows = try await Analytics.run(
            Analytics.report(named: report)!, tenant: tenant, since: since ?? "1970-01-01", until: until ?? "9999-12-31",
            database: connection)
        print(Self.render(rows, format: format))
        await connection.close()
    }

    static func render(_ rows: PostgresRows, format: Format) -> String {
        let cells = rows.rows.map { $0.map { $0 ?? "" } }
        switch format {
        case .table: return TextTable.render([rows.columns] + cells) + "\n(\(rows.count) rows)"
        case .csv: return TextTable.csv([rows.columns] + cells)
        case .json:
            let objects = rows.rows.map { row in
                Dictionary(uniqueKeysWithValues: zip(rows.columns, row.map { value -> Any in
                    guard let value else { return NSNull() }
                    return Int64(value) ?? Double(value).map { $0 as Any } ?? value
                }))
            }
            return jsonText(objects)
        }
    }
}
