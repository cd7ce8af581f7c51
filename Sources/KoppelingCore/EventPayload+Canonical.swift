/// Writes an event's `data` object in canonical JSON straight from the typed payload: members in
/// byte order of their names, no white space. It must give exactly `dataValue.canonicalText`
/// (a test checks this on every event type); it exists because building a dictionary and sorting
/// its keys for every event dominated the import.
struct CanonicalDataWriter {
    var output = "{"
    private var first = true

    private mutating func key(_ name: StaticString) {
        if !first { output += "," }
        first = false
        output += "\""
        output += name.description
        output += "\":"
    }

    mutating func string(_ name: StaticString, _ value: String) {
        key(name)
        JSONValue.writeString(value, to: &output)
    }

    mutating func date(_ name: StaticString, _ value: LocalDate?) {
        key(name)
        if let value {
            output += "\""
            output += value.description
            output += "\""
        } else {
            output += "null"
        }
    }

    mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        output += value ? "true" : "false"
    }

    mutating func integer(_ name: StaticString, _ value: Int) {
        key(name)
        output += String(value)
    }

    mutating func strings(_ name: StaticString, _ values: [String]) {
        key(name)
        output += "["
        for (index, value) in values.enumerated() {
            if index > 0 { output += "," }
            JSONValue.writeString(value, to: &output)
        }
        output += "]"
    }

    mutating func verbatim(_ entries: [String: String]) {
        guard !entries.isEmpty else { return }
        key("verbatim")
        output += "{"
        for (index, name) in entries.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if index > 0 { output += "," }
            JSONValue.writeString(name, to: &output)
            output += ":"
            JSONValue.writeString(entries[name]!, to: &output)
        }
        output += "}"
    }

    mutating func finish() -> String {
        output += "}"
        return output
    }
}

extension Event {
    /// The `data` object in canonical JSON (sorted members, no white space).
    public var canonicalData: String {
        var writer = CanonicalDataWriter()
        switch payload {
        case .targetGroupDetermined(let p):
            writer.string("code", p.code.rawValue)
            writer.date("periodEnd", p.periodEnd)
            writer.date("periodStart", p.periodStart)
            writer.string("targetType", p.targetType.rawValue)
        case .residenceChanged(let p):
            if let country = p.country { writer.string("country", country) }
            if let nis = p.nisCode { writer.string("nisCode", nis) }
            writer.string("region", p.region.rawValue)
        case .exemptionGranted(let p):
            writer.string("category", p.category.rawValue)
            writer.date("until", p.until)
        case .exemptionWithdrawn:
            break
        case .registered(let p):
            writer.string("agency", p.agency)
            writer.string("kind", p.kind.rawValue)
        case .postponement(let p):
            writer.date("from", p.from)
            writer.string("kind", p.kind.rawValue)
            writer.string("reasonCode", p.reasonCode)
            writer.date("until", p.until)
        case .contractSigned(let p):
            writer.string("agency", p.agency)
            writer.strings("components", p.components.map(\.rawValue))
            if let regime = p.regime { writer.string("regime", regime.rawValue) }
        case .componentResult(let p):
            writer.string("component", p.component.rawValue)
            writer.string("decision", p.decision.rawValue)
            if let level = p.level { writer.string("level", level.rawValue) }
        case .dutchLevelReached(let p):
            writer.string("level", p.level.rawValue)
            if p.tested { writer.bool("tested", true) }
        case .certificateIssued(let p):
            writer.string("documentId", p.documentId)
            writer.string("kind", p.kind.rawValue)
        case .infringementRecorded(let p):
            if p.authority != .abb { writer.string("authority", p.authority.rawValue) }
            writer.string("infringementId", p.infringementId)
            writer.string("kind", p.kind.rawValue)
            writer.date("noticeOfDefaultOn", p.noticeOfDefaultOn)
        case .infringementDecided(let p):
            if let amount = p.amountEUR { writer.integer("amountEUR", amount) }
            writer.string("decision", p.decision.rawValue)
            writer.string("infringementId", p.infringementId)
        case .eventRetracted(let p):
            writer.string("reason", p.reason)
            writer.string("retractedEventId", p.retractedEventId.lowercasedString)
        case .waitingList(let p):
            if let course = p.course { writer.string("course", course) }
            writer.date("until", p.until)
        case .agencyAssigned(let p):
            writer.string("agency", p.agency)
            writer.date("until", p.until)
        }
        writer.verbatim(verbatim)
        return writer.finish()
    }
}
