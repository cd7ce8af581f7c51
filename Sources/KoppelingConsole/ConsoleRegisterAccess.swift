public import KoppelingCore
public import KoppelingStore

public import struct Foundation.Date
public import struct Foundation.TimeZone

/// What the console's screens read and record: the register, the exchange that puts every view
/// of a person's data in the transparency log before it is shown, the log itself, the sealer of
/// person handles, and the register's time zone for the times people read.
public struct ConsoleRegisterAccess: Sendable {
    public let register: Register
    public let exchange: ExchangeService
    public let log: TransparencyLog
    public let handles: PersonHandle.Sealer
    /// The console's full verifications of the log.
    public let verification: LogVerificationRunner
    /// The webhooks and their delivery state.
    public let webhooks: any WebhookStore
    /// ABB's enforcement work list.
    public let workList: WorkListService
    /// The register's time zone (`Europe/Brussels`).
    public let timeZone: TimeZone

    public init(
        register: Register, exchange: ExchangeService, log: TransparencyLog, handles: PersonHandle.Sealer,
        verification: LogVerificationRunner, webhooks: any WebhookStore, workList: WorkListService, timeZone: TimeZone
    ) {
        self.workList = workList
        self.register = register
        self.exchange = exchange
        self.log = log
        self.handles = handles
        self.verification = verification
        self.webhooks = webhooks
        self.timeZone = timeZone
    }

    /// An instant as people in the register's zone read it: `1 december 2026 om 14:05:09`.
    public func dutch(_ instant: Instant) -> String {
        let date = Date(timeIntervalSince1970: Double(instant.microsecondsSinceEpoch) / 1_000_000)
        return DutchFormat.instant(instant, offsetSeconds: timeZone.secondsFromGMT(for: date))
    }

    /// The instant a `datetime-local` field's value (`2026-12-01T14:05`, with or without seconds)
    /// names in the register's zone, or nil when it is not one.
    public func instant(local text: String) -> Instant? {
        Self.instant(local: text, zone: timeZone)
    }

    /// The instant a `datetime-local` field's value names in `zone`.
    public static func instant(local text: String, zone timeZone: TimeZone) -> Instant? {
        let parts = text.split(separator: "T")
        guard parts.count == 2, let day = LocalDate(String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":").map { Int($0) }
        guard (2...3).contains(time.count), !time.contains(nil), let hour = time[0], let minute = time[1], (0..<24).contains(hour),
            (0..<60).contains(minute)
        else { return nil }
        let second = time.count == 3 ? time[2]! : 0
        guard (0..<60).contains(second) else { return nil }
        let wall = Int64(day.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        // The zone's offset at the wall time taken as UTC, corrected once: exact but for the hour
        // a clock is set back, where the earlier of the two instants is taken.
        let guess = Date(timeIntervalSince1970: Double(wall))
        var offset = timeZone.secondsFromGMT(for: guess)
        offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wall - Int64(offset))))
        return Instant(microsecondsSinceEpoch: (wall - Int64(offset)) * 1_000_000)
    }
}
