import ArgumentParser
import BizflowGateway
import BizflowProjector
import Foundation

/// `bizflow keys create|revoke|list`: the gateway's API keys (one tenant each; only a hash is stored).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the gateway's API keys.", subcommands: [Create.self, Revoke.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a key for a tenant and print it (once: only its hash is kept).")
        @Option(help: "The tenant every request with this key acts for.") var tenant: String
        @Option(help: "What the key is for, e.g. the calling service.") var name: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            guard !tenant.isEmpty, !name.isEmpty else { throw ValidationError("--tenant and --name must not be empty") }
            let logger = logging.logger("bizflow.keys")
            let connection = database.connection(logger)
            try await Migrator().migrate(connection, logger: logger)
            let created = try await APIKeys.create(tenant: tenant, name: name, database: connection)
            print(created.key)
            printError("key \(created.id) for tenant \(tenant): store it now, it is not shown again")
            await connection.close()
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id (the 8 characters after bzk_).")
        @Argument(help: "The key id.") var id: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let connection = database.connection(logging.logger("bizflow.keys"))
            let revoked = try await APIKeys.revoke(id: id, database: connection)
            await connection.close()
            guard revoked else {
                printError("no active key \(id): `bizflow keys list` shows them")
                throw ExitCode(1)
            }
            print("key \(id) revoked")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (ids, names, dates; never secrets).")
        @Option(help: "Only this tenant's keys.") var tenant: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let connection = database.connection(logging.logger("bizflow.keys"))
            let rows = try await APIKeys.list(tenant: tenant, database: connection)
            print(TextTable.render([rows.columns] + rows.rows.map { $0.map { $0 ?? "" } }))
            await connection.close()
        }
    }
}
