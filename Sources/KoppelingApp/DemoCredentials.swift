import Crypto
import Foundation
public import KoppelingCore
public import KoppelingStore
import SwiftASN1
import X509

/// The demo's certificates and its recipient client: a throwaway CA, a server certificate for
/// 127.0.0.1 and localhost, and a recipient client with both kinds of credentials, written to a
/// folder a newcomer can point `curl` or their own client at.
public struct DemoCredentials: Sendable {
    /// The folder with `client.json`, the client's keys and certificate, and `ca.pem`.
    public var folder: String
    /// The server's certificate and key, for the mutual-TLS listener.
    public var serverCertificatePath: String
    public var serverKeyPath: String
    /// The CA that issued both; the server accepts client certificates it issued.
    public var caCertificatePath: String
    /// The registered recipient client.
    public var client: RegisteredClient

    /// Writes the credentials (new ones when the folder lacks any file) and registers or updates the
    /// demo recipient client with them.
    public static func prepare(
        folder: String, serverFolder: String, clientId: String, party: String, tokenURL: String, mutualTLSURL: String, purpose: String,
        store: any ExchangeStore
    ) async throws -> DemoCredentials {
        let files = Files(folder: folder, serverFolder: serverFolder)
        let fileManager = FileManager.default
        if !files.all.allSatisfy({ fileManager.fileExists(atPath: $0) }) {
            try write(files, tokenURL: tokenURL, mutualTLSURL: mutualTLSURL, clientId: clientId, purpose: purpose)
        }
        let assertionKey = try Ed25519KeyFile.privateKey(at: files.assertionKey)
        let clientCertificate = try Certificate(pemEncoded: String(contentsOfFile: files.clientCertificate, encoding: .utf8))
        var serializer = DER.Serializer()
        try serializer.serialize(clientCertificate)
        let client = RegisteredClient(
            id: clientId, party: party, name: "Demo recipient (synthetic data)", role: .recipient,
            assertionKey: assertionKey.publicKey.rawRepresentation.base64EncodedString(),
            certificateFingerprint: SHA256.hash(data: serializer.serializedBytes).lowercaseHex, ratePerMinute: 60_000)
        if let existing = try await store.client(id: clientId) {
            if existing != client { try await store.updateClient(client) }
        } else {
            try await store.registerClient(client)
        }
        return DemoCredentials(
            folder: folder, serverCertificatePath: files.serverCertificate, serverKeyPath: files.serverKey,
            caCertificatePath: files.caCertificate,
            client: client)
    }

    struct Files {
        var folder: String
        var serverFolder: String
        var clientJSON: String { folder + "/client.json" }
        var assertionKey: String { folder + "/client-assertion-key.pem" }
        var clientCertificate: String { folder + "/client.pem" }
        var clientKey: String { folder + "/client-key.pem" }
        var caCertificate: String { folder + "/ca.pem" }
        var serverCertificate: String { serverFolder + "/server.pem" }
        var serverKey: String { serverFolder + "/server-key.pem" }
        var all: [String] { [clientJSON, assertionKey, clientCertificate, clientKey, caCertificate, serverCertificate, serverKey] }
    }

    static func write(_ files: Files, tokenURL: String, mutualTLSURL: String, clientId: String, purpose: String) throws {
        let fileManager = FileManager.default
        for folder in [files.folder, files.serverFolder] {
            try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("Koppeling demo")
            CommonName("Koppeling demo CA (not for real data)")
        }
        let ca = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey), notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(5 * 365 * 86_400), issuer: caName, subject: caName,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))

        func issue(
            _ name: String, usage: ExtendedKeyUsage.Usage, alternativeNames: [GeneralName]
        ) throws -> (Certificate, P256.Signing.PrivateKey) {
            let key = P256.Signing.PrivateKey()
            let subject = try DistinguishedName {
                OrganizationName("Koppeling demo")
                CommonName(name)
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(2 * 365 * 86_400), issuer: caName, subject: subject,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([usage])
                    if !alternativeNames.isEmpty { SubjectAlternativeNames(alternativeNames) }
                },
                issuerPrivateKey: .init(caKey))
            return (certificate, key)
        }
        let (server, serverKey) = try issue(
            "127.0.0.1", usage: .serverAuth,
            alternativeNames: [.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
        let (client, clientKey) = try issue(clientId, usage: .clientAuth, alternativeNames: [])

        func save(_ text: String, _ path: String, secret: Bool) throws {
            fileManager.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: secret ? 0o600 : 0o644])
        }
        try save(try ca.serializeAsPEM().pemString + "\n", files.caCertificate, secret: false)
        try save(try server.serializeAsPEM().pemString + "\n", files.serverCertificate, secret: false)
        try save(serverKey.pemRepresentation + "\n", files.serverKey, secret: true)
        try save(try client.serializeAsPEM().pemString + "\n", files.clientCertificate, secret: false)
        try save(clientKey.pemRepresentation + "\n", files.clientKey, secret: true)
        try save(Ed25519KeyFile.pem(Curve25519.Signing.PrivateKey()), files.assertionKey, secret: true)
        let description: JSONValue = .object([
            "clientId": .string(clientId),
            "tokenUrl": .string(tokenURL),
            "tokenEndpointAuthMethod": .string("private_key_jwt"),
            "assertionAlgorithm": .string("EdDSA"),
            "assertionKey": .string("client-assertion-key.pem"),
            "mutualTlsUrl": .string(mutualTLSURL),
            "certificate": .string("client.pem"),
            "certificateKey": .string("client-key.pem"),
            "caCertificate": .string("ca.pem"),
            "purpose": .string(purpose),
        ])
        try save(description.canonicalText + "\n", files.clientJSON, secret: false)
    }
}
