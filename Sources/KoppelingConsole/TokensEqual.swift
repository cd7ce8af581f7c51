/// Whether two tokens are present and equal, compared in constant time.
func tokensEqual(_ a: String?, _ b: String?) -> Bool {
    guard let a, let b, !a.isEmpty, a.utf8.count == b.utf8.count else { return false }
    return zip(a.utf8, b.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
}
