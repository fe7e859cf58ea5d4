import CCurl
import Foundation

/// Owns one libcurl easy handle and what it points at for the length of a request.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The response body; libcurl's write callback appends to it through an unmanaged pointer to this object.
    var received: [UInt8] = []
    /// The response headers (of the last response, when there were redirects or interim answers).
    var headers: [(name: String, value: String)] = []

    init() throws(HTTPError) {
        _ = Curl.initialised
        guard let handle = curl_easy_init() else {
            throw HTTPError(code: 0, operation: "create an HTTP handle", reason: "curl_easy_init failed", isRetriable: false)
        }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
        if let headerList { curl_slist_free_all(headerList) }
    }

    /// Runs the request on the calling (dedicated) thread.
    func perform(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        let op = "\(request.method) \(Self.redacted(request.url))"
        try Curl.check(bz_curl_setopt_string(handle, CURLOPT_URL, request.url), op)
        try Curl.check(bz_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method), op)
        try Curl.check(bz_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), op)  // no SIGALRM on worker threads
        let ms = Int(request.timeout.components.seconds * 1000 + request.timeout.components.attoseconds / 1_000_000_000_000_000)
        try Curl.check(bz_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, ms), op)
        try Curl.check(bz_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(ms, 5000)), op)
        for (name, value) in request.headers + [("Expect", "")] {  // no 100-continue round trip
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        try Curl.check(bz_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), op)
        if request.method != "GET" {
            // COPYPOSTFIELDS copies the body (POSTFIELDSIZE bytes of it), so it need not outlive this call.
            var body = request.body
            body.append(0)
            try Curl.check(bz_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, request.body.count), op)
            let code = body.withUnsafeMutableBytes { buffer in
                bz_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, buffer.baseAddress)
            }
            try Curl.check(code, op)
        }
        try Curl.check(bz_curl_setopt_write_function(handle, curlWrite), op)
        try Curl.check(bz_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque()), op)
        try Curl.check(bz_curl_setopt_header_function(handle, curlHeader), op)
        try Curl.check(bz_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(self).toOpaque()), op)
        try Curl.check(curl_easy_perform(handle), op)
        var status = 0
        try Curl.check(bz_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status), op)
        return HTTPResponse(status: status, body: received, headers: headers)
    }

    /// The URL without its query string or credentials, for error messages.
    static func redacted(_ url: String) -> String {
        var text = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        if let at = text.firstIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at {
            text.removeSubrange(scheme.upperBound...at)
        }
        return text
    }
}

/// libcurl's write callback: appends a chunk of the response body.
private func curlWrite(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let easy = Unmanaged<CurlEasy>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    data.withMemoryRebound(to: UInt8.self, capacity: length) { easy.received.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
    return length
}

/// libcurl's header callback: one header line at a time (a status line starts a new response).
private func curlHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let easy = Unmanaged<CurlEasy>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        easy.headers = []
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        easy.headers.append((name, value))
    }
    return length
}
