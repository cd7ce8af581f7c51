import Foundation
import KoppelingApp
import KoppelingTestSupport
import Testing

@Suite("Configuration: file, environment, checks at start-up")
struct ConfigurationTests {
    func file(_ text: String) throws -> String {
        let path = try TestEnvironment.temporaryFolder().appendingPathComponent("koppeling.conf").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("the file gives values, the environment wins, defaults fill the rest; secrets are shown as ***")
    func precedence() throws {
        let path = try file(
            """
            # production
            KOPPELING_PORT=8443
            KOPPELING_DATABASE = postgres://koppeling:s3cret@db.internal/koppeling?sslmode=require
            KOPPELING_LOG_ORIGIN=koppeling.vlaanderen.be/disclosures

            """)
        let configuration = try KoppelingConfiguration.load([
            "KOPPELING_CONFIG": path, "KOPPELING_PORT": "9000", "KOPPELING_TEST_POSTGRES_URL": "ignored",
        ])
        #expect(configuration.port == 9000)
        #expect(configuration.databasePath == "postgres://koppeling:s3cret@db.internal/koppeling?sslmode=require")
        #expect(configuration.logOrigin == "koppeling.vlaanderen.be/disclosures")
        #expect(configuration.timeZone == "Europe/Brussels" && configuration.logFormat == "json")
        let shown = configuration.described()
        #expect(shown.map(\.name) == KoppelingConfiguration.settings.map(\.name))
        #expect(shown.first { $0.name == "KOPPELING_DATABASE" }?.value == "postgres://koppeling:***@db.internal/koppeling?sslmode=require")
        #expect(!shown.contains { $0.value.contains("s3cret") })
    }

    @Test(
        "a setting that cannot be used is an error naming it (and the file line), never repeating a password",
        arguments: [
            (["KOPPELING_PORT": "99999"], "KOPPELING_PORT: expected a port"),
            (["KOPPELING_PORT": "eighty"], "KOPPELING_PORT: expected a port"),
            (["KOPPELING_TIME_ZONE": "Mars/Olympus"], "KOPPELING_TIME_ZONE: unknown time zone"),
            (["KOPPELING_ALLOW_TEST_NUMBERS": "maybe"], "KOPPELING_ALLOW_TEST_NUMBERS: expected 1/true or 0/false"),
            (["KOPPELING_TLS_CERT": "/nonexistent/cert.pem"], "KOPPELING_TLS_CERT: no readable file"),
            (["KOPPELING_LOG_FORMAT": "xml"], "KOPPELING_LOG_FORMAT: expected json or text"),
            (["KOPPELING_TOKEN_AUDIENCE": "not a url"], "KOPPELING_TOKEN_AUDIENCE: expected the token URL"),
            (["KOPPELING_DATABASE": "postgres://k:s3cret@db/k?sslmode=maybe"], "KOPPELING_DATABASE: "),
        ])
    func refused(environment: [String: String], message: String) throws {
        #expect {
            try KoppelingConfiguration.load(environment)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix(message) && !text.contains("s3cret")
        }
    }

    @Test("in the file, an unknown name or a line without = is named by its line")
    func fileErrors() throws {
        let path = try file("KOPPELING_PORT=8443\nKOPPELING_PROT=1\n")
        #expect { try KoppelingConfiguration.load(["KOPPELING_CONFIG": path]) } throws: {
            "\($0)" == "\(path):2: unknown setting KOPPELING_PROT"
        }
        let other = try file("# ok\nKOPPELING_PORT\n")
        #expect { try KoppelingConfiguration.load(["KOPPELING_CONFIG": other]) } throws: { "\($0)" == "\(other):2: expected NAME=value" }
        #expect { try KoppelingConfiguration.load(["KOPPELING_CONFIG": "/nonexistent/koppeling.conf"]) } throws: {
            "\($0)".hasSuffix("cannot be read")
        }
    }
}
