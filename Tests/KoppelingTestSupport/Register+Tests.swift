public import KoppelingCore
import KoppelingKBI
public import KoppelingStore

public import struct Foundation.Data

extension WriteProvenance {
    /// The writer of the events tests store directly (not through a client).
    public static var tests: WriteProvenance { .operator("tests") }
}

extension Register {
    /// Stores events as the tests' writer.
    public func append(_ events: [Event]) async throws -> AppendSummary {
        try await append(events, by: .tests)
    }

    /// Streams events in as the tests' writer.
    public func appendStreaming(from source: consuming some EventBatchSource) async throws -> AppendSummary {
        try await appendStreaming(from: source, by: .tests)
    }

    /// Imports a KBI answer as the tests' writer.
    public func importKBI(_ data: Data) async throws -> KBIImportReport {
        try await importKBI(data, by: .tests)
    }
}

extension RegisterStore {
    /// Stores events without notices as the tests' writer.
    public func append(_ events: [Event]) async throws -> AppendSummary {
        try await append(events, provenance: .tests)
    }

    /// Streams events in without notices as the tests' writer.
    public func appendStreaming(from source: consuming some EventBatchSource) async throws -> AppendSummary {
        try await appendStreaming(from: source, provenance: .tests)
    }
}
