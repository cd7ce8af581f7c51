import struct Foundation.URL

/// Where the register may send webhooks. A webhook makes the server send requests to a URL a
/// client chose, so without limits it is a way into the server's own network (SSRF): https only,
/// no user info, and no loopback, private, link-local or otherwise internal address, neither
/// written in the URL nor resolved from its name at delivery. `allowsLocal` lifts the address and
/// scheme limits for demos and tests on one machine (setting `KOPPELING_WEBHOOK_ALLOW_LOCAL`).
public struct WebhookAddressPolicy: Sendable, Hashable {
    /// Whether plain http and local addresses are allowed.
    public var allowsLocal: Bool

    public init(allowsLocal: Bool) {
        self.allowsLocal = allowsLocal
    }

    /// Why a URL is refused as a webhook endpoint, or nil when it is acceptable (before DNS).
    public func problem(url text: String) -> String? {
        guard text.utf8.count <= 2000, let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host,
            !host.isEmpty
        else {
            return "not an absolute URL with a host"
        }
        guard scheme == "https" || (allowsLocal && scheme == "http") else {
            return allowsLocal ? "the scheme must be https or http" : "the scheme must be https"
        }
        guard url.user == nil, url.password == nil else { return "user information is not allowed in the URL" }
        guard url.fragment == nil else { return "a fragment is not allowed in the URL" }
        if allowsLocal { return nil }
        let name = host.lowercased().trimmingCharacters(in: ["[", "]"])
        if name == "localhost" || name.hasSuffix(".localhost") || name.hasSuffix(".local") || name.hasSuffix(".internal") {
            return "the host is a local name"
        }
        if let address = Self.address(literal: name), !Self.isPublic(address) { return "the address is not a public one" }
        return nil
    }

    /// Whether the server may connect to an address (4 or 16 bytes) resolved for a webhook.
    public func allows(address bytes: [UInt8]) -> Bool {
        allowsLocal || Self.isPublic(bytes)
    }

    /// The bytes of a literal IPv4 (dotted quad) or IPv6 address, or nil for a name.
    public static func address(literal text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) }) {
            let values = parts.compactMap { UInt16($0) }
            guard values.count == 4, values.allSatisfy({ $0 <= 255 }) else { return nil }
            return values.map { UInt8($0) }
        }
        guard text.contains(":") else { return nil }
        return ipv6(text)
    }

    static func ipv6(_ input: String) -> [UInt8]? {
        var text = input
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        // An embedded IPv4 address (::ffff:192.0.2.1) becomes its two groups.
        if let lastColon = text.lastIndex(of: ":"), text[lastColon...].contains(".") {
            guard let v4 = address(literal: String(text[text.index(after: lastColon)...])), v4.count == 4 else { return nil }
            text =
                String(text[...lastColon]) + String(UInt16(v4[0]) << 8 | UInt16(v4[1]), radix: 16) + ":"
                + String(UInt16(v4[2]) << 8 | UInt16(v4[3]), radix: 16)
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]), let tail = halves.count == 2 ? groups(halves[1]) : [] else { return nil }
        let given = head.count + tail.count
        guard halves.count == 2 ? given < 8 : given == 8 else { return nil }
        return (head + Array(repeating: 0, count: 8 - given) + tail).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Whether an address is a public unicast one: not unspecified, loopback, private (RFC 1918,
    /// unique local), shared (RFC 6598), link-local, multicast, reserved, benchmarking or
    /// documentation; an IPv4-mapped or NAT64 IPv6 address is judged by its IPv4 part.
    public static func isPublic(_ bytes: [UInt8]) -> Bool {
        if bytes.count == 4 {
            let (a, b) = (bytes[0], bytes[1])
            switch a {
            case 0, 10, 127: return false
            case 100 where (64...127).contains(b): return false
            case 169 where b == 254: return false
            case 172 where (16...31).contains(b): return false
            case 192 where b == 168: return false
            case 192 where b == 0 && bytes[2] == 0: return false
            case 192 where b == 0 && bytes[2] == 2: return false
            case 198 where b == 18 || b == 19: return false
            case 198 where b == 51 && bytes[2] == 100: return false
            case 203 where b == 0 && bytes[2] == 113: return false
            case 224...255: return false
            default: return true
            }
        }
        guard bytes.count == 16 else { return false }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return isPublic(Array(bytes[12..<16])) }
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B { return isPublic(Array(bytes[12..<16])) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return false }
        if bytes[0] == 0xFF { return false }
        if bytes[0] & 0xFE == 0xFC { return false }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return false }
        return bytes[0] & 0xE0 == 0x20
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Why a webhook delivery failed, as a category only: the endpoint's state shows no more, so that
/// it cannot be used to probe what lies behind a URL.
public enum WebhookFailure: Error, Sendable, Hashable {
    /// No usable answer: the name did not resolve, the connection or TLS failed, or it timed out.
    case noAnswer
    /// The URL's name resolved to an address the policy refuses.
    case addressNotAllowed
    /// An answer that is not 2xx.
    case status(Int)

    /// The category recorded as the endpoint's last error.
    public var category: String {
        switch self {
        case .noAnswer: "no_answer"
        case .addressNotAllowed: "address_not_allowed"
        case .status(let code) where (300..<400).contains(code): "redirect_refused"
        case .status(let code) where (400..<500).contains(code): "http_4xx"
        case .status: "http_5xx"
        }
    }
}
