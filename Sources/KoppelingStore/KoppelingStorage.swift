/// Everything the register stores, as one backend implements it (SQLite or PostgreSQL). The
/// services above it see only these protocols; one contract test suite runs on both backends.
public typealias KoppelingStorage = RegisterStore & ProtocolStore & ExchangeStore & FollowStore & TransparencyStore & WebhookStore
    & BatchStore & ConsoleStore & ApprovalStore
