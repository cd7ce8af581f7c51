import KoppelingCore
import Testing

/// Hole 5 of issue 13: which webhook URLs and addresses the register refuses.
@Suite("Webhook address policy")
struct WebhookAddressPolicyTests {
    static let strict = WebhookAddressPolicy(allowsLocal: false)
    static let local = WebhookAddressPolicy(allowsLocal: true)

    @Test(
        "refused before DNS: plain http, user info, local names and every internal literal address",
        arguments: [
            "http://dvz.example/hook", "https://user:pw@dvz.example/hook", "https://localhost/hook", "https://printer.local/x",
            "https://127.0.0.1/hook",
            "https://10.1.2.3/hook", "https://172.16.0.9/hook", "https://192.168.1.1/hook", "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/",
            "https://0.0.0.0/", "https://[::1]/hook", "https://[fe80::1]/hook", "https://[fd00::5]/hook", "https://[::ffff:127.0.0.1]/hook",
            "https://[64:ff9b::a00:1]/hook", "https://[2001:db8::1]/", "https://224.0.0.1/", "ftp://dvz.example/", "dvz.example/hook",
            "https:///hook",
        ])
    func refused(url: String) {
        #expect(Self.strict.problem(url: url) != nil, "\(url)")
    }

    @Test(
        "accepted: https to a name or a public address",
        arguments: [
            "https://dvz.example/hook", "https://hooks.dvz.fgov.be:8443/v1/notices?x=1", "https://93.184.216.34/hook",
            "https://[2a00:1450:4001::1]/hook",
            "https://172.32.0.1/", "https://8.8.8.8/",
        ])
    func accepted(url: String) {
        #expect(Self.strict.problem(url: url) == nil, "\(url)")
    }

    @Test("with KOPPELING_WEBHOOK_ALLOW_LOCAL, http and loopback are allowed, user info and other schemes still not")
    func local() {
        #expect(Self.local.problem(url: "http://127.0.0.1:9000/hook") == nil)
        #expect(Self.local.allows(address: [127, 0, 0, 1]))
        #expect(Self.local.problem(url: "ftp://127.0.0.1/") != nil)
        #expect(Self.local.problem(url: "http://a:b@127.0.0.1/") != nil)
    }

    @Test("addresses after DNS: public unicast only, IPv4-mapped judged by their IPv4 part")
    func addresses() throws {
        for text in [
            "127.0.0.1", "10.0.0.1", "169.254.1.1", "192.168.0.1", "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
            "::ffff:10.0.0.1", "2001:db8::1",
        ] {
            #expect(!Self.strict.allows(address: try #require(WebhookAddressPolicy.address(literal: text), "\(text)")), "\(text)")
        }
        for text in ["93.184.216.34", "1.1.1.1", "2a00:1450:4001:82a::200e", "::ffff:93.184.216.34"] {
            #expect(Self.strict.allows(address: try #require(WebhookAddressPolicy.address(literal: text), "\(text)")), "\(text)")
        }
        #expect(WebhookAddressPolicy.address(literal: "1.2.3") == nil && WebhookAddressPolicy.address(literal: "1:2:3:4:5:6:7:8:9") == nil)
        #expect(WebhookAddressPolicy.address(literal: "dvz.example") == nil)
    }

    @Test("failures are categories only")
    func categories() {
        #expect(WebhookFailure.status(302).category == "redirect_refused")
        #expect(WebhookFailure.status(404).category == "http_4xx")
        #expect(WebhookFailure.status(503).category == "http_5xx")
        #expect(WebhookFailure.noAnswer.category == "no_answer")
    }
}
