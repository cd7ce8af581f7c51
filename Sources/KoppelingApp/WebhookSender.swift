import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KoppelingStore

/// Sends webhook requests with Foundation's URL loading (HTTP and HTTPS).
enum WebhookSender {
    static let send: WebhookDispatcher.Send = { url, headers, body in
        guard let target = URL(string: url) else { throw URLError(.badURL) }
        var request = URLRequest(url: target, timeoutInterval: 10)
        request.httpMethod = "POST"
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = Data(body.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
