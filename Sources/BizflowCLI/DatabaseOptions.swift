import ArgumentParser
import BizflowPostgres
import Foundation
import Logging

/// Where PostgreSQL is: `--database-url`, else `DATABASE_URL`, else libpq's own `PG*` variables.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "PostgreSQL URL (default: $DATABASE_URL, else libpq's PG* variables).")
    var databaseURL: String?

    func connection(_ logger: Logger, name: String = "postgres") -> PostgresConnection {
        var configuration = PostgresConnection.Configuration.fromEnvironment()
        if let databaseURL { configuration.url = databaseURL }
        return PostgresConnection(configuration: configuration, logger: logger, name: name)
    }
}
