import Foundation
import KoppelingCore
public import Logging

/// Writes each log message as one JSON object on a line: `time`, `level`, `label`, `message`,
/// then the metadata (request id, `traceparent`, route, status …). What is logged is decided by
/// the callers, which never pass a national number, a token or a secret.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let write: @Sendable (String) -> Void

    /// A handler writing to standard output.
    public init(label: String) {
        self.init(label: label) { line in FileHandle.standardOutput.write(Data(line.utf8)) }
    }

    /// A handler writing its lines somewhere else (tests).
    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var members: [String: JSONValue] = [
            "time": .string(Instant(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())).description),
            "level": .string(event.level.rawValue), "label": .string(label), "message": .string(event.message.description),
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) where members[key] == nil {
            members[key] = Self.json(value)
        }
        write(JSONValue.object(members).canonicalText + "\n")
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let members): .object(members.mapValues(json))
        }
    }
}
