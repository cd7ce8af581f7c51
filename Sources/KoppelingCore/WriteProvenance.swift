import Crypto

public import struct Foundation.Data

/// Who stored an event, and from which file: kept with every stored row, so that the register can
/// show who changed a person's file. It is not part of an event's content (two deliveries of the
/// same fact keep the provenance of the first).
public struct WriteProvenance: Sendable, Hashable {
    /// `client:ID` for an authenticated client system, `operator:NAME` for the command line on
    /// the server (the account that ran it).
    public var recordedBy: String
    /// The SHA-256 of the imported file (hexadecimal), for imports.
    public var importDigest: String?

    public init(recordedBy: String, importDigest: String? = nil) {
        self.recordedBy = recordedBy
        self.importDigest = importDigest
    }

    /// A write by an authenticated client system.
    public static func client(_ id: String, importDigest: String? = nil) -> WriteProvenance {
        WriteProvenance(recordedBy: "client:" + id, importDigest: importDigest)
    }

    /// A write by the command line, run by the account `name` on the server.
    public static func `operator`(_ name: String, importDigest: String? = nil) -> WriteProvenance {
        WriteProvenance(recordedBy: "operator:" + name, importDigest: importDigest)
    }

    /// This writer importing `file`: the same writer, with the file's SHA-256.
    public func importing(_ file: Data) -> WriteProvenance {
        WriteProvenance(recordedBy: recordedBy, importDigest: Self.digest(of: file))
    }

    /// The SHA-256 of a file, hexadecimal.
    public static func digest(of file: Data) -> String {
        SHA256.hash(data: file).lowercaseHex
    }
}
