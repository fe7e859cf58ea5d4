import Dispatch

/// An HTTP client over libcurl. Each request runs on a dedicated worker thread (never Swift's cooperative pool),
/// at most `concurrency` at a time.
public final class HTTPClient: Sendable {
    private let queue: DispatchQueue
    private let slots: DispatchSemaphore

    public init(concurrency: Int = 8) {
        queue = DispatchQueue(label: "bizflow.http", attributes: .concurrent)
        slots = DispatchSemaphore(value: max(1, concurrency))
    }

    /// Sends a request and returns the response, whatever its status; throws only when none arrived.
    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let result: Result<HTTPResponse, HTTPError> = await withCheckedContinuation { continuation in
            queue.async { [slots] in
                slots.wait()
                defer { slots.signal() }
                continuation.resume(returning: Result { () throws(HTTPError) -> HTTPResponse in
                    try CurlEasy().perform(request)
                })
            }
        }
        return try result.get()
    }
}
