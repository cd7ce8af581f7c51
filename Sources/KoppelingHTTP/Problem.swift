import Foundation
public import Hummingbird
import Logging

/// An error answered as `application/problem+json` (RFC 9457) with a stable `type`.
///
/// A problem never carries personal data: no national number, no event content.
public struct Problem: HTTPResponseError, Sendable {
    /// One item of a refused batch.
    public struct Item: Sendable, Codable, Hashable {
        /// The index of the item in the request (0-based), or the line (1-based) for NDJSON.
        public var index: Int?
        public var line: Int?
        /// The member concerned, such as `data.code`.
        public var pointer: String?
        /// What is wrong.
        public var reason: String

        public init(index: Int? = nil, line: Int? = nil, pointer: String? = nil, reason: String) {
            self.index = index
            self.line = line
            self.pointer = pointer
            self.reason = reason
        }
    }

    public var status: HTTPResponse.Status
    /// The stable type URI.
    public var type: String
    public var title: String
    public var detail: String?
    public var errors: [Item]
    /// Header fields the answer carries besides its content type, such as `Retry-After`.
    public var headers: HTTPFields

    public init(
        status: HTTPResponse.Status, type: String, title: String, detail: String? = nil, errors: [Item] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    /// The stable type URI for a slug.
    public static func typeURI(_ slug: String) -> String { "urn:koppeling:problem:\(slug)" }

    public static func badRequest(_ detail: String, errors: [Item] = []) -> Problem {
        Problem(status: .badRequest, type: typeURI("invalid-request"), title: "The request is not valid", detail: detail, errors: errors)
    }

    /// 401: no valid client credentials.
    public static func unauthorized(_ detail: String) -> Problem {
        Problem(
            status: .unauthorized, type: typeURI("unauthorized"), title: "Valid client credentials are required", detail: detail,
            headers: [.wwwAuthenticate: "Bearer"])
    }

    public static func invalidEvents(_ errors: [Item]) -> Problem {
        Problem(
            status: .unprocessableContent, type: typeURI("invalid-events"), title: "The batch was refused; nothing was stored",
            detail: "\(errors.count) event(s) are not valid.", errors: errors)
    }

    struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String?
        var instance: String?
        var errors: [Item]?
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            type: type, title: title, status: Int(status.code), detail: detail, instance: nil, errors: errors.isEmpty ? nil : errors)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(body)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error into a problem document: framework errors keep their status, anything
/// else is logged (without request content) and answered as a 500.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            let slug: String
            switch error.status {
            case .notFound: slug = "not-found"
            case .methodNotAllowed: slug = "method-not-allowed"
            case .contentTooLarge: slug = "content-too-large"
            case .unsupportedMediaType: slug = "unsupported-media-type"
            default: slug = "http-\(error.status.code)"
            }
            throw Problem(status: error.status, type: Problem.typeURI(slug), title: error.status.reasonPhrase, detail: error.body)
        } catch let error as any HTTPResponseError {
            // Our own response errors (such as a rate limit with Retry-After) render themselves as problems.
            throw error
        } catch {
            context.logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
            throw Problem(status: .internalServerError, type: Problem.typeURI("internal"), title: "Internal error")
        }
    }
}
