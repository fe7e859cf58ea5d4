import Crypto
import Foundation

/// Signs webhook bodies with HMAC-SHA256 so receivers can check they came from Bizflow unaltered.
public struct WebhookSigner: Sendable {
    /// The header carrying the signature: `sha256=<hex>`.
    public static let header = "X-Bizflow-Signature"
    private let secret: [UInt8]

    public init(secret: String) { self.secret = Array(secret.utf8) }

    /// `sha256=` and the hex HMAC of `body`.
    public func signature(for body: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Checks a signature in constant time.
    public func verify(_ signature: String, body: [UInt8]) -> Bool {
        let expected = Array(self.signature(for: body).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
