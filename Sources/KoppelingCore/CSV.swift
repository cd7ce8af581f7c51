/// CSV fields (RFC 4180) safe to open in a spreadsheet.
public enum CSV {
    /// A field: quoted where it holds a comma, quote or line break; and a value that a spreadsheet
    /// would take for a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return) is
    /// prefixed with `'`, so that a case reference such as `=HYPERLINK(…)` is shown, never run
    /// (OWASP, "CSV injection").
    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        // By scalars: "\r\n" is one Character.
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        var quoted = "\""
        for character in value {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }
}
