public import struct Foundation.Data

extension Data {
    /// The bytes in URL-safe base 64 without padding (RFC 4648 section 5): tokens, handles, cookies.
    public var base64URL: String {
        var text = base64EncodedString()
        text.replace("+", with: "-")
        text.replace("/", with: "_")
        text.replace("=", with: "")
        return text
    }

    /// The bytes of URL-safe base 64 with or without padding, or nil.
    public init?(base64URL text: String) {
        var base64 = text
        base64.replace("-", with: "+")
        base64.replace("_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
