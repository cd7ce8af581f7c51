/// Reads a request body of events in NDJSON (one event per line): every line is checked, and each
/// bad one named by its index among the events and its line number; blank lines are skipped. Past
/// `limit` events the lines are only counted: the caller refuses the body whole, and parsing what
/// will not be stored would let one body cost all of its size's work.
public enum NDJSONEvents {
    /// One line that is not a valid event.
    public struct LineError: Sendable, Hashable {
        /// Its index among the non-blank lines.
        public var index: Int
        /// Its line number, from 1.
        public var line: Int
        public var error: EventValidationError
    }

    /// What a body held.
    public struct Parsed: Sendable {
        public var events: [Event] = []
        public var errors: [LineError] = []
        /// Non-blank lines, counted past the limit too.
        public var lines = 0
    }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, policy: NationalNumber.Policy, limit: Int) -> Parsed {
        var parsed = Parsed()
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
                parsed.lines += 1
                if parsed.lines <= limit {
                    do throws(EventValidationError) {
                        parsed.events.append(try Event.parse(json: line, policy: policy))
                    } catch {
                        parsed.errors.append(LineError(index: parsed.lines - 1, line: lineNumber, error: error))
                    }
                }
            }
            start = end + 1
        }
        return parsed
    }
}
