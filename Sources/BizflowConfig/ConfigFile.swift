import Foundation
import Yams

/// Loads a YAML domain-configuration file into a Decodable type, with errors that name the file and the field.
public enum ConfigFile {
    /// Reads and decodes `path`.
    public static func load<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(file: path, "cannot read the file: does it exist?")
        }
        return try parse(type, text, file: path)
    }

    /// Decodes YAML text; `file` names it in errors.
    public static func parse<T: Decodable>(_ type: T.Type, _ text: String, file: String) throws -> T {
        do {
            return try YAMLDecoder().decode(T.self, from: text)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ConfigError(file: file, "\(path(context.codingPath + [key])) is required")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ConfigError(file: file, "\(path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw ConfigError(file: file, "\(path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw ConfigError(file: file, "not valid YAML: \(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
