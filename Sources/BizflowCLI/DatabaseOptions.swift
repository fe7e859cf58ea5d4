import ArgumentParser
import BizflowPostgres
import BizflowProjector
import Foundation
import Logging

/// Where PostgreSQL is: `--database-url`, else `DATABASE_URL`, else libpq's own `PG*` variables.
package struct DatabaseOptions: ParsableArguments {
    package init() {}

    @Option(help: "PostgreSQL URL (default: $DATABASE_URL, else libpq's PG* variables).")
    package var databaseURL: String?

    package func connection(_ logger: Logger, name: String = "postgres") -> PostgresConnection {
        var configuration = PostgresConnection.Configuration.fromEnvironment()
        if let databaseURL { configuration.url = databaseURL }
        return PostgresConnection(configuration: configuration, logger: logger, name: name)
    }

    /// The explicit PostgreSQL URL (the flag, else DATABASE_URL), which child processes need; a clear error naming
    /// the ops script that starts a throwaway cluster when there is none.
    package func requiredURL(for command: String, script: String) throws -> String {
        guard let url = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            printError("\(command) needs PostgreSQL: run \(script) (it starts a throwaway cluster) or set DATABASE_URL")
            throw ExitCode(1)
        }
        return url
    }

    /// A connection with the read models migrated.
    package func migrated(_ logger: Logger, name: String) async throws -> PostgresConnection {
        let connection = connection(logger, name: name)
        try await Migrator().migrate(connection, logger: logger)
        return connection
    }
}
