import AsyncHTTPClient
import Foundation
public import KoppelingCore
public import KoppelingStore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Sends webhook requests under a ``WebhookAddressPolicy``: the endpoint's name is resolved here,
/// every address it resolves to must be allowed, and the request goes to the address checked (an
/// HTTP client per name and address, with that DNS answer pinned, so a second lookup cannot
/// return another address); redirects are never followed. Failures are reported as categories.
public final class WebhookSender: Sendable {
    /// Looks a name up: the addresses it resolves to, 4 or 16 bytes each.
    public typealias Resolve = @Sendable (String) async throws -> [[UInt8]]

    let policy: WebhookAddressPolicy
    let resolver: Resolve
    /// Clients by "name address", kept between deliveries so that connections are reused.
    let clients = Mutex<[String: HTTPClient]>([:])

    /// A sender under `policy`, looking names up with `resolve` (the system's resolver by default).
    public init(policy: WebhookAddressPolicy, resolve: Resolve? = nil) {
        self.policy = policy
        self.resolver = resolve ?? { try await WebhookSender.resolve($0) }
    }

    deinit {
        for client in clients.withLock({ $0.values }) { client.shutdown { _ in } }
    }

    /// The dispatcher's way of sending.
    public var send: WebhookDispatcher.Send {
        { [self] url, headers, body in try await self.deliver(url: url, headers: headers, body: body) }
    }

    /// Sends one request; the HTTP status, or a ``WebhookFailure``.
    public func deliver(url: String, headers: [String: String], body: String) async throws -> Int {
        guard policy.problem(url: url) == nil, let parsed = URL(string: url), let host = parsed.host?.trimmingCharacters(in: ["[", "]"])
        else {
            throw WebhookFailure.addressNotAllowed
        }
        let addresses: [[UInt8]]
        do {
            if let literal = WebhookAddressPolicy.address(literal: host) {
                addresses = [literal]
            } else {
                addresses = try await resolver(host)
            }
        } catch {
            throw WebhookFailure.noAnswer
        }
        guard let chosen = addresses.first(where: { $0.count == 4 }) ?? addresses.first else { throw WebhookFailure.noAnswer }
        // Every address, not only the one used: a name that also points inside is refused.
        guard addresses.allSatisfy(policy.allows(address:)) else { throw WebhookFailure.addressNotAllowed }
        let client = client(host: host, address: Self.text(chosen))
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            // Reading the (ignored) body lets the connection be reused.
            _ = try await response.body.collect(upTo: 64 * 1024)
            return Int(response.status.code)
        } catch {
            throw WebhookFailure.noAnswer
        }
    }

    func client(host: String, address: String) -> HTTPClient {
        let key = host + " " + address
        return clients.withLock { clients in
            if let existing = clients[key] { return existing }
            // A name now resolving elsewhere gets a new client; the old one is closed.
            for (other, client) in clients where other.hasPrefix(host + " ") {
                client.shutdown { _ in }
                clients[other] = nil
            }
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
            if WebhookAddressPolicy.address(literal: host) == nil { configuration.dnsOverride = [host: address] }
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[key] = client
            return client
        }
    }

    /// The addresses a name resolves to (4 or 16 bytes each), looked up on NIO's thread pool.
    static func resolve(_ host: String) async throws -> [[UInt8]] {
        if let literal = WebhookAddressPolicy.address(literal: host) { return [literal] }
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { throw WebhookFailure.noAnswer }
            defer { freeaddrinfo(first) }
            var addresses: [[UInt8]] = []
            var entry: UnsafeMutablePointer<addrinfo>? = first
            while let current = entry {
                if let raw = current.pointee.ai_addr {
                    switch Int32(current.pointee.ai_family) {
                    case AF_INET:
                        raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                            var address = pointer.pointee.sin_addr
                            addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                        }
                    case AF_INET6:
                        raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                            var address = pointer.pointee.sin6_addr
                            addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                        }
                    default: break
                    }
                }
                entry = current.pointee.ai_next
            }
            return addresses
        }
    }

    /// The text form of an address, as a DNS answer would give it.
    static func text(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(
            separator: ":")
    }
}
