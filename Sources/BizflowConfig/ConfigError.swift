/// A domain configuration file that cannot be used, with the file and what to fix.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
