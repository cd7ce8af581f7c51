public import Foundation
public import KoppelingCore

public import struct Foundation.Data

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A parsed XML element: local name (namespace prefix removed), attributes, text and children.
public final class XMLElementNode: Sendable {
    /// The local name.
    public let name: String
    /// The attributes by name.
    public let attributes: [String: String]
    /// The text content, trimmed.
    public let text: String
    /// The child elements in document order.
    public let children: [XMLElementNode]
    /// The line where the element starts.
    public let line: Int

    init(name: String, attributes: [String: String], text: String, children: [XMLElementNode], line: Int) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
        self.line = line
    }

    /// The first child with a local name.
    public func child(_ name: String) -> XMLElementNode? {
        children.first { $0.name == name }
    }

    /// All children with a local name.
    public func all(_ name: String) -> [XMLElementNode] {
        children.filter { $0.name == name }
    }

    /// Follows a path of child names, such as `"Periode/Begin"`.
    public func path(_ path: String) -> XMLElementNode? {
        var node: XMLElementNode? = self
        for part in path.split(separator: "/") {
            node = node?.child(String(part))
        }
        return node
    }

    /// The trimmed text at a path, or `nil` when absent or empty.
    public func text(_ path: String) -> String? {
        guard let node = self.path(path), !node.text.isEmpty else { return nil }
        return node.text
    }
}

/// A malformed XML document, with the position the parser stopped at.
public struct XMLSyntaxError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "malformed XML at line \(line), column \(column): \(message)" }
}

extension XMLElementNode {
    /// Parses a whole XML document into its root element. External entities are not resolved.
    /// The document must be UTF-8, as MAGDA's answers are: a byte that is not is refused with its
    /// position before the parser sees it (FoundationXML traps on one inside a comment; found by
    /// fuzzing, `Fuzz/crashes/kbi-invalid-utf8-in-comment`).
    public static func parse(_ data: Data) throws(XMLSyntaxError) -> XMLElementNode {
        if let position = firstInvalidUTF8(data) {
            throw XMLSyntaxError(line: position.line, column: position.column, message: "not UTF-8 (MAGDA answers are UTF-8)")
        }
        if let refused = firstRefusedConstruct(data) {
            throw XMLSyntaxError(line: refused.line, column: refused.column, message: refused.message)
        }
        let parser = XMLParser(data: data)
        let builder = TreeBuilder()
        parser.delegate = builder
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let ok = parser.parse()
        guard ok, let root = builder.root else {
            if let first = builder.firstError {
                throw XMLSyntaxError(line: first.line, column: first.column, message: "not well-formed (NSXMLParser error \(first.code))")
            }
            throw XMLSyntaxError(line: parser.lineNumber, column: parser.columnNumber, message: "no root element")
        }
        return root
    }

    /// The first processing instruction (other than the XML declaration at the start) or document
    /// type declaration, with its position. MAGDA answers have neither; FoundationXML crashes on a
    /// processing instruction without data (`Fuzz/crashes/kbi-processing-instruction-without-data`),
    /// and a document type declaration is how external entities get in. `<?` and `<!DOCTYPE` are
    /// looked for everywhere, comments included, which refuses nothing a MAGDA answer contains.
    static func firstRefusedConstruct(_ data: Data) -> (line: Int, column: Int, message: String)? {
        let bytes = [UInt8](data)
        let declaration = Array("<?xml".utf8)
        let doctype = Array("<!DOCTYPE".utf8)
        // The declaration comes first, after a byte-order mark if there is one.
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                lineStart = index + 1
            } else if byte == UInt8(ascii: "<"), index + 1 < bytes.count {
                // Counted only for a refusal: a long single-line document has many `<`.
                var column: Int { String(decoding: bytes[lineStart..<index], as: UTF8.self).count + 1 }
                if bytes[index + 1] == UInt8(ascii: "?") {
                    let end = start + declaration.count
                    let isDeclaration =
                        index == start && bytes.count > end && Array(bytes[start..<end]) == declaration
                        && [0x20, 0x09, 0x0D, 0x0A].contains(bytes[end])
                    if !isDeclaration {
                        return (line, column, "processing instructions are not accepted")
                    }
                } else if bytes.count - index >= doctype.count, Array(bytes[index..<index + doctype.count]) == doctype {
                    return (line, column, "document type declarations are not accepted")
                }
            }
            index += 1
        }
        return nil
    }

    /// The line and column (in characters) of the first byte sequence that is not UTF-8, if any.
    static func firstInvalidUTF8(_ data: Data) -> (line: Int, column: Int)? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = data.makeIterator()
        var line = 1
        var column = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar):
                if scalar.count == 1, scalar.first == 0x0A {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return nil
            case .error:
                return (line, column)
            }
        }
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    struct Open {
        var name: String
        var attributes: [String: String]
        var text = ""
        var children: [XMLElementNode] = []
        var line: Int
    }

    var stack: [Open] = []
    var root: XMLElementNode?
    var firstError: (line: Int, column: Int, code: Int)?

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if firstError == nil {
            firstError = (parser.lineNumber, parser.columnNumber, (parseError as NSError).code)
        }
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
        stack.append(Open(name: local, attributes: attributeDict, line: parser.lineNumber))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard let open = stack.popLast() else { return }
        let node = XMLElementNode(
            name: open.name, attributes: open.attributes,
            text: open.text.trimmingCharacters(in: .whitespacesAndNewlines), children: open.children, line: open.line)
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }
}
