import Foundation

/// A tier as the product declares it, once: its name, what it does, the configuration it reads and how it is built.
/// `bizflow run`'s tier names and help, the runner factory and the test pipelines all derive from these.
public struct TierDefinition: Sendable {
    /// The tier's name: its entry under `tiers:` in the topology and the argument of `bizflow run`.
    public var name: String
    /// One line for `bizflow run --help`.
    public var summary: String
    /// The configuration files it reads, beside the topology file.
    public var configFiles: [String]
    /// Builds the tier actor: reads its configuration (throwing `ConfigError`-style errors that name the file).
    public var make: @Sendable (TierBuildContext) throws -> any Tier

    public init(
        name: String, summary: String, configFiles: [String], make: @escaping @Sendable (TierBuildContext) throws -> any Tier
    ) {
        self.name = name
        self.summary = summary
        self.configFiles = configFiles
        self.make = make
    }
}

extension [TierDefinition] {
    /// The definition called `name`, if one is.
    public func named(_ name: String) -> TierDefinition? { first { $0.name == name } }

    /// The names, in declaration order.
    public var names: [String] { map(\.name) }

    /// Builds the tier called `name`; an error names the tiers there are when none is.
    public func make(_ name: String, _ context: TierBuildContext) throws -> any Tier {
        guard let definition = named(name) else { throw UnknownTier(name: name, known: names) }
        return try definition.make(context)
    }
}

/// A tier name no definition has.
public struct UnknownTier: Error, CustomStringConvertible {
    public var name: String
    public var known: [String]
    public var description: String { "no tier is called \(name) (known: \(known.joined(separator: ", ")))" }
}
