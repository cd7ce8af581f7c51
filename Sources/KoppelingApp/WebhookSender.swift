import AsyncHTTPClient
import KoppelingStore
import NIOCore
import NIOHTTP1

/// Sends webhook requests (HTTP and HTTPS) with AsyncHTTPClient's shared client, which keeps
/// connections to each endpoint open between deliveries.
enum WebhookSender {
    static let send: WebhookDispatcher.Send = { url, headers, body in
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        // Reading the (ignored) body lets the connection be reused.
        _ = try await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }
}
