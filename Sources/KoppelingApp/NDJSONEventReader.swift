import Foundation
public import KoppelingCore
public import KoppelingStore

/// Reads an NDJSON file of events in fixed-size chunks, so that a file of millions of events is
/// imported in constant memory. A line that is not a valid event stops the import with its
/// line number and reason.
public struct NDJSONEventReader: EventBatchSource {
    /// A line that could not be read as an event.
    public struct LineError: Error, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    private let handle: FileHandle
    private let policy: NationalNumber.Policy
    private let batchSize: Int
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private var atEnd = false
    /// Lines read so far.
    public private(set) var lineNumber = 0
    /// Events read so far.
    public private(set) var eventCount = 0
    /// Bytes read so far.
    public private(set) var bytesRead = 0
    /// Called after every batch with the reader's counters.
    public var progress: ((_ events: Int, _ bytes: Int) -> Void)?

    /// Opens a file (or `-` for standard input).
    public init(path: String, policy: NationalNumber.Policy, batchSize: Int = 10_000) throws {
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw LineError(line: 0, reason: "cannot open \(path)")
            }
            self.handle = handle
        }
        self.policy = policy
        self.batchSize = batchSize
    }

    public mutating func nextBatch() throws -> [Event]? {
        var batch: [Event] = []
        batch.reserveCapacity(batchSize)
        while batch.count < batchSize {
            guard let event = try nextEvent() else { break }
            batch.append(event)
        }
        progress?(eventCount, bytesRead)
        return batch.isEmpty ? nil : batch
    }

    private mutating func nextEvent() throws -> Event? {
        while true {
            if let newline = buffer[bufferStart...].firstIndex(of: 0x0A) {
                let lineRange = bufferStart..<newline
                bufferStart = newline + 1
                lineNumber += 1
                if let event = try parseLine(lineRange) { return event }
                continue
            }
            if atEnd {
                guard bufferStart < buffer.count else { return nil }
                let lineRange = bufferStart..<buffer.count
                bufferStart = buffer.count
                lineNumber += 1
                if let event = try parseLine(lineRange) { return event }
                return nil
            }
            buffer.removeSubrange(0..<bufferStart)
            bufferStart = 0
            let chunk = try handle.read(upToCount: 4 * 1024 * 1024) ?? Data()
            if chunk.isEmpty {
                atEnd = true
            } else {
                bytesRead += chunk.count
                buffer.append(contentsOf: chunk)
            }
        }
    }

    private mutating func parseLine(_ range: Range<Int>) throws -> Event? {
        let line = lineNumber
        let policy = policy
        defer { eventCount += 1 }
        return try buffer.withUnsafeBufferPointer { all -> Event? in
            let bytes = UnsafeBufferPointer(rebasing: all[range])
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { return nil }
            do throws(EventValidationError) {
                return try Event.parse(json: bytes, policy: policy)
            } catch {
                throw LineError(line: line, reason: error.description)
            }
        }
    }
}
