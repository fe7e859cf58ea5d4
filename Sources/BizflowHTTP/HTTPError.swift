/// Why an HTTP call failed before a response arrived.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    /// libcurl's error code (CURLcode), or 0 for errors raised here.
    public var code: Int
    public var operation: String
    public var reason: String
    /// Timeouts and connection failures: worth retrying.
    public var isRetriable: Bool

    public var description: String {
        "\(operation) failed: \(reason)" + (isRetriable ? " (retriable: the endpoint may be down or slow)" : "")
    }
}
