/// A configuration file's contents that can say what makes them unusable beyond their shape: loading one checks it.
public protocol CheckedConfiguration: Decodable {
    /// What is inconsistent (empty when the configuration is usable).
    func problems() -> [String]
}

extension ConfigFile {
    /// Reads, decodes and checks `path`; `adjust` applies what overrides the file (the environment) before the check.
    /// Every problem is reported at once, with the file named.
    public static func loadChecked<T: CheckedConfiguration>(
        _ type: T.Type, path: String, adjust: (inout T) -> Void = { _ in }
    ) throws -> T {
        var config = try load(type, path: path)
        adjust(&config)
        let problems = config.problems()
        guard problems.isEmpty else { throw ConfigError(file: path, problems.joined(separator: "; ")) }
        return config
    }
}
