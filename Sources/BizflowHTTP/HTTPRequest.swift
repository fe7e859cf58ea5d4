/// One outbound HTTP request.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The whole exchange, connect included.
    public var timeout: Duration

    public init(
        method: String = "POST", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(10)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// The answer to an `HTTPRequest`.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var headers: [(name: String, value: String)] = []

    public init(status: Int, body: [UInt8], headers: [(name: String, value: String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// A header's value (names compare case-insensitively).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
    /// 5xx and 429 (and 408) mean "try again later"; other 4xx will fail again.
    public var isRetriable: Bool { status >= 500 || status == 429 || status == 408 }
}
