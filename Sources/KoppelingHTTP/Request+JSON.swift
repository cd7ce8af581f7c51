import Foundation
import Hummingbird

extension Request {
    /// The body decoded as JSON, the one place a request body becomes a value: at most `limit`
    /// bytes (a larger body is answered 413 by the problem middleware), and a body that does not
    /// decode is a 400 problem saying what was `expected`. `empty`, when given, stands for an
    /// empty body.
    func decodeJSON<T: Decodable>(_ type: T.Type, upTo limit: Int, expected: String, empty: T? = nil) async throws -> T {
        let body = try await self.body.collect(upTo: limit)
        if body.readableBytes == 0, let empty { return empty }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw Problem.badRequest(expected)
        }
    }
}
