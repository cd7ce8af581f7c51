/// Text put into HTML or SVG written by hand (the published protocol page, the citizen report,
/// the console's charts).
public enum HTML {
    /// The text with `&`, `<`, `>`, `"` and `'` escaped, safe in content and in quoted attributes.
    public static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }
}
