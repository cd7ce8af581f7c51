import KoppelingApp

extension KoppelingConfiguration {
    /// Test numbers allowed, a fixed token audience.
    static let forTests = KoppelingConfiguration(
        databasePath: ":memory:", allowsTestNumbers: true, tokenAudienceOverride: "https://koppeling.test/oauth/token")
}
