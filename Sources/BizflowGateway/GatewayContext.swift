import Hummingbird

/// What a request carries through the gateway: the tenant its API key belongs to, once authenticated.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authentication middleware; never from the body or the path.
    public var owner: APIKeys.Owner?
    /// Request bodies larger than this are refused with 413.
    public var maxUploadSize: Int { GatewayContext.bodyLimit }

    nonisolated(unsafe) static var bodyLimit = 64 * 1024

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The authenticated tenant (the middleware guarantees one on /v1 routes).
    func tenant() throws -> String {
        guard let owner else { throw GatewayError.unauthorized() }
        return owner.tenant
    }
}
