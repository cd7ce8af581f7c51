import Foundation
import Yams

/// One rule a protocol document breaks, with where.
public struct ProtocolValidationIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based line, 0 when the document could not be read at all.
    public var line: Int
    public var column: Int
    /// The member path, such as `parties[1].dpo.email`.
    public var path: String
    /// The rule broken: `yaml`, `required`, `type`, `unknown-member`, `enum`, `format`, `unique`, `range`, `count`.
    public var rule: String
    public var message: String

    public var description: String { "line \(line), column \(column): \(path.isEmpty ? "document" : path): \(message) [\(rule)]" }
}

/// A protocol document that breaks rules.
public struct ProtocolValidationError: Error, Sendable, CustomStringConvertible {
    public var issues: [ProtocolValidationIssue]
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

extension ProtocolDocument {
    /// Parses and validates a protocol document in YAML (the schema of
    /// `protocols/protocol.schema.json`), reporting every rule broken with its line.
    public static func parse(yaml: String) throws(ProtocolValidationError) -> ProtocolDocument {
        if let issue = shapeIssue(yaml) { throw ProtocolValidationError(issues: [issue]) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            var issue = ProtocolValidationIssue(line: 0, column: 0, path: "", rule: "yaml", message: "not valid YAML: \(error)")
            if let yamlError = error as? YamlError {
                switch yamlError {
                case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                    issue.line = mark.line
                    issue.column = mark.column
                    issue.message = "not valid YAML: \(problem)"
                default: break
                }
            }
            throw ProtocolValidationError(issues: [issue])
        }
        guard let root else {
            throw ProtocolValidationError(issues: [.init(line: 1, column: 1, path: "", rule: "required", message: "the document is empty")])
        }
        var reader = ProtocolReader()
        let document = reader.document(root)
        guard reader.issues.isEmpty, let document else { throw ProtocolValidationError(issues: reader.issues) }
        return document
    }
}

extension ProtocolDocument {
    /// The largest document accepted, in bytes.
    static let maxBytes = 256 * 1024
    /// The deepest nesting accepted, by indentation (columns) and by flow brackets.
    static let maxIndent = 48
    static let maxFlowDepth = 16

    /// What makes a text unfit to hand to the YAML parser at all: too large, nested deeper than a
    /// protocol ever is (a parser recursing on it could exhaust the stack), or using anchors and
    /// aliases (which let a small text expand into a huge tree). Checked on the text, before parsing.
    public static func shapeIssue(_ yaml: String) -> ProtocolValidationIssue? {
        guard yaml.utf8.count <= maxBytes else {
            return .init(line: 0, column: 0, path: "", rule: "size", message: "the document is larger than \(maxBytes / 1024) KiB")
        }
        var depth = 0
        var line = 1
        var column = 0
        var indent = 0
        var atLineStart = true
        var quote: UInt8?
        var previous: UInt8 = 0x0A
        var anchor: (line: Int, column: Int)?
        for byte in yaml.utf8 {
            column += 1
            if let place = anchor {
                // An anchor or alias is the indicator followed by a name at once.
                if byte != 0x20, byte != 0x0A, byte != 0x0D {
                    return .init(
                        line: place.line, column: place.column, path: "", rule: "anchors",
                        message: "anchors and aliases (&name, *name) are not allowed")
                }
                anchor = nil
            }
            if byte == 0x0A {
                line += 1
                column = 0
                indent = 0
                atLineStart = true
                quote = nil
                previous = byte
                continue
            }
            if atLineStart {
                if byte == 0x20 {
                    indent += 1
                    if indent > maxIndent {
                        return .init(
                            line: line, column: column, path: "", rule: "nesting", message: "indented deeper than \(maxIndent) columns")
                    }
                    previous = byte
                    continue
                }
                atLineStart = false
            }
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "#"), previous == 0x20 || previous == 0x0A {
                // A comment: the rest of the line does not count.
                quote = 0x0A
            } else if byte == UInt8(ascii: "\""), previous != UInt8(ascii: "\\") {
                quote = byte
            } else if byte == UInt8(ascii: "'"),
                [0x20, 0x0A, UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: "-")].contains(
                    previous)
            {
                quote = byte
            } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                depth += 1
                if depth > maxFlowDepth {
                    return .init(
                        line: line, column: column, path: "", rule: "nesting", message: "nested deeper than \(maxFlowDepth) brackets")
                }
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                depth = max(0, depth - 1)
            } else if byte == UInt8(ascii: "&") || byte == UInt8(ascii: "*"),
                [0x20, 0x0A, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")].contains(previous)
            {
                // Only where a node begins, and only with a name after it: "Integratie & inburgering" is text.
                anchor = (line, column)
            }
            previous = byte
        }
        return nil
    }
}

/// Walks the YAML tree, collecting every issue rather than stopping at the first.
struct ProtocolReader {
    var issues: [ProtocolValidationIssue] = []

    mutating func issue(_ node: Node?, _ path: String, _ rule: String, _ message: String) {
        issues.append(.init(line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, path: path, rule: rule, message: message))
    }

    /// The members of a mapping, refusing unknown ones and reporting missing required ones.
    mutating func mapping(_ node: Node, _ path: String, required: [String], optional: [String] = []) -> [String: Node]? {
        guard let mapping = node.mapping else {
            issue(node, path, "type", "expected a mapping")
            return nil
        }
        var members: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                issue(key, path, "type", "member names must be strings")
                continue
            }
            let memberPath = path.isEmpty ? name : "\(path).\(name)"
            guard required.contains(name) || optional.contains(name) else {
                issue(key, memberPath, "unknown-member", "unknown member \"\(name)\"")
                continue
            }
            members[name] = value
        }
        for name in required where members[name] == nil {
            issue(node, path.isEmpty ? name : "\(path).\(name)", "required", "missing required member \"\(name)\"")
        }
        return members
    }

    mutating func string(_ node: Node?, _ path: String, pattern: ((String) -> Bool)? = nil, patternName: String = "") -> String? {
        guard let node else { return nil }
        let tag = node.tag.rawValue
        guard case .scalar(let scalar) = node,
            tag == Tag.Name.str.rawValue || tag == Tag.Name.int.rawValue || tag == Tag.Name.float.rawValue
        else {
            issue(node, path, "type", "expected a string")
            return nil
        }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            issue(node, path, "format", "must not be empty")
            return nil
        }
        if let pattern, !pattern(text) {
            issue(node, path, "format", "\"\(text)\" is not \(patternName)")
            return nil
        }
        return scalar.string
    }

    mutating func integer(_ node: Node?, _ path: String, range: ClosedRange<Int>) -> Int? {
        guard let node else { return nil }
        guard node.tag.rawValue == Tag.Name.int.rawValue, let value = node.int else {
            issue(node, path, "type", "expected a whole number")
            return nil
        }
        guard range.contains(value) else {
            issue(node, path, "range", "must be from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func date(_ node: Node?, _ path: String) -> LocalDate? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node, let date = LocalDate(scalar.string) else {
            issue(node, path, "format", "expected a date YYYY-MM-DD")
            return nil
        }
        return date
    }

    mutating func sequence(_ node: Node?, _ path: String, minimum: Int = 1) -> [Node]? {
        guard let node else { return nil }
        guard let sequence = node.sequence else {
            issue(node, path, "type", "expected a list")
            return nil
        }
        guard sequence.count >= minimum else {
            issue(node, path, "count", "must hold at least \(minimum) item(s)")
            return nil
        }
        return Array(sequence)
    }

    mutating func enumeration<T: RawRepresentable & CaseIterable>(_ node: Node?, _ path: String, _ type: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(node, path) else { return nil }
        guard let value = T(rawValue: text) else {
            issue(node, path, "enum", "\"\(text)\" is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    static func isSlug(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    static func isCode(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }

    /// A Belgian enterprise number (KBO): ten digits, the last two `97 - (first eight mod 97)`.
    static func isEnterpriseNumber(_ text: String) -> Bool {
        let digits = text.filter { $0 != "." && $0 != " " }
        guard digits.count == 10, digits.allSatisfy(\.isASCII), let value = Int(digits) else { return false }
        return 97 - (value / 100) % 97 == value % 100
    }

    mutating func contact(_ node: Node?, _ path: String) -> ProtocolDocument.Party.Contact? {
        guard let node, let members = mapping(node, path, required: ["name", "email"], optional: ["phone"]) else { return nil }
        let name = string(members["name"], "\(path).name")
        let email = string(members["email"], "\(path).email", pattern: Self.isEmail, patternName: "an e-mail address")
        let phone = string(members["phone"], "\(path).phone")
        guard let name, let email else { return nil }
        return .init(name: name, email: email, phone: phone)
    }

    mutating func document(_ root: Node) -> ProtocolDocument? {
        guard
            let m = mapping(
                root, "",
                required: [
                    "id", "version", "title", "parties", "legalBasis", "purposes", "dataSubjects", "fields", "channels", "retention",
                    "securityMeasures", "dataSubjectRights", "prohibitedFurtherProcessing", "validFrom", "validUntil",
                ], optional: ["sanctions", "fieldNotes"])
        else { return nil }
        let id = string(m["id"], "id", pattern: Self.isSlug, patternName: "lowercase letters, digits and hyphens")
        let version = integer(m["version"], "version", range: 1...10_000)
        let title = string(m["title"], "title")

        var parties: [ProtocolDocument.Party] = []
        if let nodes = sequence(m["parties"], "parties", minimum: 2) {
            for (index, node) in nodes.enumerated() {
                let path = "parties[\(index)]"
                guard let p = mapping(node, path, required: ["id", "role", "name", "enterpriseNumber", "controller", "dpo"]) else {
                    continue
                }
                let partyId = string(p["id"], "\(path).id", pattern: Self.isSlug, patternName: "lowercase letters, digits and hyphens")
                let role = enumeration(p["role"], "\(path).role", ProtocolDocument.Party.Role.self)
                let name = string(p["name"], "\(path).name")
                let kbo = string(
                    p["enterpriseNumber"], "\(path).enterpriseNumber", pattern: Self.isEnterpriseNumber,
                    patternName: "a valid enterprise number (KBO)")
                let controller = contact(p["controller"], "\(path).controller")
                let dpo = contact(p["dpo"], "\(path).dpo")
                if let partyId, let role, let name, let kbo, let controller, let dpo {
                    parties.append(.init(id: partyId, role: role, name: name, enterpriseNumber: kbo, controller: controller, dpo: dpo))
                }
            }
            for role in ProtocolDocument.Party.Role.allCases where parties.filter({ $0.role == role }).count != 1 && issues.isEmpty {
                issue(m["parties"], "parties", "count", "exactly one party must have the role \(role.rawValue)")
            }
            if Set(parties.map(\.id)).count != parties.count {
                issue(m["parties"], "parties", "unique", "party ids must be distinct")
            }
        }

        var legalBasis: [String] = []
        for (index, node) in (sequence(m["legalBasis"], "legalBasis") ?? []).enumerated() {
            if let text = string(node, "legalBasis[\(index)]") { legalBasis.append(text) }
        }

        var purposes: [ProtocolDocument.Purpose] = []
        for (index, node) in (sequence(m["purposes"], "purposes") ?? []).enumerated() {
            let path = "purposes[\(index)]"
            guard let p = mapping(node, path, required: ["code", "description"]) else { continue }
            let code = string(p["code"], "\(path).code", pattern: Self.isCode, patternName: "upper-case letters, digits and underscores")
            let description = string(p["description"], "\(path).description")
            if let code, purposes.contains(where: { $0.code == code }) {
                issue(p["code"], "\(path).code", "unique", "purpose \(code) is listed twice")
            } else if let code, let description {
                purposes.append(.init(code: code, description: description))
            }
        }

        let dataSubjects = string(m["dataSubjects"], "dataSubjects")

        var fields: [DisclosureField] = []
        for (index, node) in (sequence(m["fields"], "fields") ?? []).enumerated() {
            guard let field = enumeration(node, "fields[\(index)]", DisclosureField.self) else { continue }
            if fields.contains(field) {
                issue(node, "fields[\(index)]", "unique", "field \(field.rawValue) is listed twice")
            } else {
                fields.append(field)
            }
        }

        var fieldNotes: [String: String]?
        if let node = m["fieldNotes"],
            let notes = mapping(node, "fieldNotes", required: [], optional: DisclosureField.allCases.map(\.rawValue))
        {
            fieldNotes = [:]
            for (name, value) in notes.sorted(by: { $0.key < $1.key }) {
                if let field = DisclosureField(rawValue: name), !fields.contains(field) {
                    issue(value, "fieldNotes.\(name)", "listed", "a note on \(name), which the protocol does not list among its fields")
                } else if let text = string(value, "fieldNotes.\(name)") {
                    fieldNotes?[name] = text
                }
            }
        }

        var channels: [ProtocolDocument.Channel] = []
        for (index, node) in (sequence(m["channels"], "channels") ?? []).enumerated() {
            let path = "channels[\(index)]"
            guard let c = mapping(node, path, required: ["channel", "periodicity"], optional: ["maxFollowDays"]) else { continue }
            var channel = enumeration(c["channel"], "\(path).channel", DisclosureChannel.self)
            if let given = channel, !DisclosureChannel.protocolChannels.contains(given) {
                issue(c["channel"], "\(path).channel", "enum", "expected one of lookup, follow, batch, got \"\(given.rawValue)\"")
                channel = nil
            }
            let periodicity = string(c["periodicity"], "\(path).periodicity")
            let maxDays = integer(c["maxFollowDays"], "\(path).maxFollowDays", range: 1...3660)
            if channel == .follow, c["maxFollowDays"] == nil {
                issue(node, "\(path).maxFollowDays", "required", "the follow channel needs maxFollowDays")
            }
            if channel == .batch, let periodicity,
                ProtocolDocument.Channel(channel: .batch, periodicity: periodicity).batchIntervalDays == nil
            {
                issue(
                    c["periodicity"], "\(path).periodicity", "schedule",
                    "the batch channel's periodicity must say dagelijks, wekelijks or maandelijks (daily, weekly, monthly)")
            }
            if let channel, channels.contains(where: { $0.channel == channel }) {
                issue(c["channel"], "\(path).channel", "unique", "channel \(channel.rawValue) is listed twice")
            } else if let channel, let periodicity {
                channels.append(.init(channel: channel, periodicity: periodicity, maxFollowDays: maxDays))
            }
        }

        var retention: ProtocolDocument.Retention?
        if let node = m["retention"], let r = mapping(node, "retention", required: ["recipient", "accessLog"]) {
            let recipient = string(r["recipient"], "retention.recipient")
            let accessLog = string(r["accessLog"], "retention.accessLog")
            if let recipient, let accessLog { retention = .init(recipient: recipient, accessLog: accessLog) }
        }

        var security: [String] = []
        for (index, node) in (sequence(m["securityMeasures"], "securityMeasures") ?? []).enumerated() {
            if let text = string(node, "securityMeasures[\(index)]") { security.append(text) }
        }
        let rights = string(m["dataSubjectRights"], "dataSubjectRights")
        let prohibited = string(m["prohibitedFurtherProcessing"], "prohibitedFurtherProcessing")
        let sanctions = string(m["sanctions"], "sanctions")
        let validFrom = date(m["validFrom"], "validFrom")
        let validUntil = date(m["validUntil"], "validUntil")
        if let validFrom, let validUntil, validUntil < validFrom {
            issue(m["validUntil"], "validUntil", "range", "validUntil is before validFrom")
        }
        guard issues.isEmpty, let id, let version, let title, let dataSubjects, let retention, let rights, let prohibited,
            let validFrom, let validUntil
        else { return nil }
        return ProtocolDocument(
            id: id, version: version, title: title, parties: parties, legalBasis: legalBasis, purposes: purposes,
            dataSubjects: dataSubjects, fields: fields, channels: channels, retention: retention, securityMeasures: security,
            dataSubjectRights: rights, prohibitedFurtherProcessing: prohibited, sanctions: sanctions, validFrom: validFrom,
            validUntil: validUntil, fieldNotes: fieldNotes)
    }
}
