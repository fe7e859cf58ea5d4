/// The OpenAPI 3 description of the gateway, made from the same route table the router serves, so the two cannot
/// drift apart.
enum OpenAPIDocument {
    static let reasons: [Int: String] = [
        200: "OK", 202: "Accepted: the event is in Kafka (its id in the body)", 400: "Malformed body, listing every problem",
        401: "No valid API key", 404: "Not found (or another tenant's)", 413: "Body too large",
        422: "Invalid values, listing every problem", 429: "Rate limited (see Retry-After)", 503: "Kafka or PostgreSQL unavailable",
    ]

    static func yaml(_ routes: [Gateway.Route]) -> String {
        var lines = [
            "openapi: 3.0.3",
            "info:",
            "  title: Bizflow gateway",
            "  version: \"1\"",
            "  description: Event ingestion, human decisions and reads over the projections. Bodies are proto3 JSON of the named messages (see Protos/); the tenant comes from the API key.",
            "components:",
            "  securitySchemes:",
            "    apiKey:",
            "      type: http",
            "      scheme: bearer",
            "  schemas:",
            "    Error:",
            "      type: object",
            "      properties:",
            "        error:",
            "          type: object",
            "          properties:",
            "            code: {type: string}",
            "            message: {type: string}",
            "            fields:",
            "              type: array",
            "              items: {type: object, properties: {field: {type: string}, problem: {type: string}}}",
            "    Accepted:",
            "      type: object",
            "      properties:",
            "        event_id: {type: string}",
            "        event_type: {type: string}",
            "        topic: {type: string}",
            "        key: {type: string}",
            "        partition: {type: integer}",
            "        offset: {type: integer}",
            "paths:",
        ]
        let byPath = Dictionary(grouping: routes, by: \.path)
        for path in byPath.keys.sorted() {
            lines.append("  \(path):")
            for route in byPath[path]!.sorted(by: { $0.method.rawValue < $1.method.rawValue }) {
                lines.append("    \(route.method.rawValue.lowercased()):")
                lines.append("      summary: \(quoted(route.summary))")
                lines.append("      security: \(route.authenticated ? "[{apiKey: []}]" : "[]")")
                let parameters = path.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}").first }
                if !parameters.isEmpty || route.method == .post {
                    lines.append("      parameters:")
                    for name in parameters {
                        lines.append("        - {name: \(name), in: path, required: true, schema: {type: string}}")
                    }
                    if route.method == .post {
                        lines.append("        - {name: Idempotency-Key, in: header, required: false, schema: {type: string}}")
                    }
                }
                if let body = route.body {
                    lines.append("      requestBody:")
                    lines.append("        required: true")
                    lines.append("        content:")
                    lines.append("          application/json:")
                    lines.append("            schema: {type: object, description: \(quoted("proto3 JSON of \(body), without tenant_id"))}")
                }
                lines.append("      responses:")
                for status in route.responses {
                    lines.append("        \"\(status)\":")
                    lines.append("          description: \(quoted(reasons[status] ?? "See the body"))")
                    if status >= 400 {
                        lines.append("          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}")
                    } else if status == 202 {
                        lines.append("          content: {application/json: {schema: {$ref: '#/components/schemas/Accepted'}}}")
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
