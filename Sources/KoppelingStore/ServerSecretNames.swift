import Foundation

/// How the backends name the public keys kept by rotations of a server secret: `NAME.retired.0001`,
/// `NAME.retired.0002` … (the order of rotation is the order of the names).
public enum ServerSecretNames {
    /// The name of the `number`th retired key of a secret.
    public static func retiredName(_ name: String, _ number: Int) -> String {
        let digits = String(number)
        return "\(name).retired.\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits)"
    }

    /// A SQL `LIKE` pattern (escape character: backslash) for the retired keys of a secret.
    public static func retiredPattern(_ name: String) -> String {
        name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(
            of: "_", with: "\\_") + ".retired.%"
    }
}
