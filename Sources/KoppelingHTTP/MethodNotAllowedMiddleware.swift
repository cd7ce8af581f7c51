public import Hummingbird
import KoppelingCore

/// Answers 405 with an `Allow` header for a method the API does not declare on a path it serves
/// (TRACE, say), instead of the 404 the router would give; an unknown path stays a 404. The paths
/// and their methods are the OpenAPI document's, which a test keeps equal to the router's routes.
public struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// A path template's segments (`{name}` matches any one segment) and its methods.
    let routes: [(segments: [Substring], methods: Set<String>)]

    /// The table of the served OpenAPI document.
    public init() {
        self.init(document: OpenAPIDocument.json)
    }

    /// The table of an OpenAPI document's paths.
    init(document: String) {
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        guard case .object(let root)? = try? JSONValue.parse(document), case .object(let paths)? = root["paths"] else {
            preconditionFailure("the OpenAPI document built into the server has paths")
        }
        routes = paths.compactMap { path, item in
            guard case .object(let operations) = item else { return nil }
            return (path.split(separator: "/"), Set(operations.keys.filter(methods.contains).map { $0.uppercased() }))
        }
    }

    /// The methods served at a path, or nil when no route has it.
    func allowed(at path: String) -> Set<String>? {
        let segments = path.split(separator: "/")
        var found: Set<String>?
        for route in routes where route.segments.count == segments.count {
            let matches = zip(route.segments, segments).allSatisfy { template, segment in
                (template.first == "{" && template.last == "}") || template == segment
            }
            if matches { found = (found ?? []).union(route.methods) }
        }
        return found
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let methods = allowed(at: request.uri.path), !methods.contains(request.method.rawValue) else {
            return try await next(request, context)
        }
        throw Problem(
            status: .methodNotAllowed, type: Problem.typeURI("method-not-allowed"), title: "Method Not Allowed",
            detail: "the method is not served at this path", headers: [.allow: methods.sorted().joined(separator: ", ")])
    }
}
