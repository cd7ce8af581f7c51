import KoppelingCore

/// Charts drawn on the server as SVG, with no script and no style attribute (the console's
/// Content-Security-Policy allows neither), readable without colour: each bar carries its value
/// as text, and the chart is an image with a title and a description for screen readers. The
/// same figures are always in a table beside it.
enum SVGChart {
    /// A horizontal bar chart: one labelled bar per item, its value written at its end.
    static func bars(id: String, title: String, items: [(label: String, value: Int)]) -> String {
        let rowHeight = 26
        let labelWidth = 260
        let barWidth = 420
        let height = max(1, items.count) * rowHeight + 10
        let largest = max(1, items.map(\.value).max() ?? 1)
        let description = items.map { "\($0.label): \(DutchFormat.number($0.value))" }.joined(separator: "; ")
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="\(id)-titel \(id)-uitleg" \
            width="\(labelWidth + barWidth + 90)" height="\(height)" viewBox="0 0 \(labelWidth + barWidth + 90) \(height)" \
            class="grafiek" id="\(id)">\
            <title id="\(id)-titel">\(HTML.escape(title))</title>\
            <desc id="\(id)-uitleg">\(HTML.escape(description))</desc>
            """
        for (row, item) in items.enumerated() {
            let y = row * rowHeight + 5
            let width = item.value == 0 ? 0 : max(2, item.value * barWidth / largest)
            svg += """
                <text x="\(labelWidth - 8)" y="\(y + 17)" text-anchor="end" font-size="13" fill="#1a1a1a">\
                \(HTML.escape(short(item.label)))</text>\
                <rect x="\(labelWidth)" y="\(y + 3)" width="\(width)" height="18" fill="#1f3d7a"></rect>\
                <text x="\(labelWidth + width + 6)" y="\(y + 17)" font-size="13" fill="#1a1a1a">\(DutchFormat.number(item.value))</text>
                """
        }
        return svg + "</svg>"
    }

    /// A label cut to fit beside its bar.
    static func short(_ text: String) -> String {
        text.count > 36 ? String(text.prefix(35)) + "…" : text
    }
}
