import CCurl

/// The one place libcurl return codes become errors.
enum Curl {
    /// libcurl's global state, set up once before the first handle.
    static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    static func check(_ code: CURLcode, _ operation: String) throws(HTTPError) {
        guard code != CURLE_OK else { return }
        let retriable: Set<CURLcode> = [
            CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_RESOLVE_HOST, CURLE_SEND_ERROR,
            CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
        ]
        throw HTTPError(
            code: Int(code.rawValue), operation: operation, reason: String(cString: curl_easy_strerror(code)),
            isRetriable: retriable.contains(code))
    }
}
