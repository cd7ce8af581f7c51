public import struct Foundation.Data
import Foundation
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
    public static func parse(_ data: Data) throws(XMLSyntaxError) -> XMLElementNode {
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
