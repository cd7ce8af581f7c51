import struct Foundation.UUID

/// Why an event's JSON form was refused, with the member it concerns.
public struct EventValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The member path, such as `data.code`, or empty for the whole event.
    public var path: String
    /// What is wrong.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

extension Event {
    /// Parses the JSON form of an event from one line or document.
    public static func parse(json bytes: UnsafeBufferPointer<UInt8>, policy: NationalNumber.Policy) throws(EventValidationError) -> Event {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw EventValidationError(path: "", message: error.description)
        }
        return try Event(json: value, policy: policy)
    }

    /// Builds an event from its JSON form, checking every member.
    ///
    /// `recordedAt`, `recordedBy` and `importDigest` are accepted on input only so that a dossier
    /// read back can be parsed again; the register always sets its own. An event the register
    /// already holds is read with ``init(storedId:insz:type:effectiveDate:source:data:)``, which
    /// does not check these rules again.
    public init(json: JSONValue, policy: NationalNumber.Policy) throws(EventValidationError) {
        guard case .object(let members) = json else { throw EventValidationError(path: "", message: "expected a JSON object") }
        var reader = MemberReader(members: members, path: "")
        let idText = try reader.string("eventId")
        guard let eventId = UUID.parse(idText) else { throw EventValidationError(path: "eventId", message: "expected a UUID") }
        let inszText = try reader.string("insz")
        let insz: NationalNumber
        do {
            insz = try NationalNumber(inszText, policy: policy)
        } catch {
            throw EventValidationError(path: "insz", message: "invalid national number (\(error.code))")
        }
        guard inszText.utf8.count == 11 else {
            throw EventValidationError(path: "insz", message: "expected the 11 digits without separators")
        }
        let typeText = try reader.string("type")
        guard let type = EventType(rawValue: typeText) else {
            throw EventValidationError(path: "type", message: "unknown event type \"\(typeText)\"")
        }
        let effectiveDate = try reader.date("effectiveDate")
        let source = try reader.string("source")
        guard !source.isEmpty, source.utf8.count <= 100 else {
            throw EventValidationError(path: "source", message: "expected 1 to 100 characters")
        }
        var recordedAt: Instant?
        if let recorded = try reader.optionalString("recordedAt") {
            guard let instant = Instant(recorded) else {
                throw EventValidationError(path: "recordedAt", message: "expected an ISO 8601 instant")
            }
            recordedAt = instant
        }
        // Accepted and dropped: a client never says who it is through the event.
        _ = try reader.optionalString("recordedBy")
        _ = try reader.optionalString("importDigest")
        let dataValue = try reader.required("data")
        try reader.rejectUnknown()
        guard case .object(let dataMembers) = dataValue else {
            throw EventValidationError(path: "data", message: "expected a JSON object")
        }
        var data = MemberReader(members: dataMembers, path: "data.")
        let payload = try EventPayload.decode(type: type, from: &data)
        try payload.validate()
        let verbatim = try data.verbatim()
        try data.rejectUnknown()
        self.init(
            eventId: eventId, insz: insz, effectiveDate: effectiveDate, recordedAt: recordedAt, source: source,
            payload: payload, verbatim: verbatim)
    }

    /// The `data` object.
    public var dataValue: JSONValue {
        var members = payload.members
        if !verbatim.isEmpty {
            members["verbatim"] = .object(verbatim.mapValues { .string($0) })
        }
        return .object(members)
    }

    /// The JSON form on one line, members in the documented order:
    /// `{"eventId":…,"insz":…,"type":…,"effectiveDate":…,["recordedAt":…,]["recordedBy":…,]["importDigest":…,]`
    /// `"source":…,"data":{…}}`.
    public var jsonLine: String {
        var output =
            "{\"eventId\":\"" + eventId.lowercasedString + "\",\"insz\":\"" + insz.digits + "\",\"type\":\""
            + type.rawValue + "\",\"effectiveDate\":\"" + effectiveDate.description + "\""
        if let recordedAt {
            output += ",\"recordedAt\":\"" + recordedAt.description + "\""
        }
        if let provenance {
            output += ",\"recordedBy\":"
            JSONValue.writeString(provenance.recordedBy, to: &output)
            if let digest = provenance.importDigest {
                output += ",\"importDigest\":\"" + digest + "\""
            }
        }
        output += ",\"source\":"
        JSONValue.writeString(source, to: &output)
        output += ",\"data\":"
        output += canonicalData
        output += "}"
        return output
    }
}

/// Reads the members of a JSON object one by one, so that unknown members can be refused.
struct MemberReader {
    var members: [String: JSONValue]
    let path: String

    mutating func take(_ name: String) -> JSONValue? {
        members.removeValue(forKey: name)
    }

    mutating func required(_ name: String) throws(EventValidationError) -> JSONValue {
        guard let value = take(name) else { throw EventValidationError(path: path + name, message: "missing") }
        return value
    }

    mutating func string(_ name: String) throws(EventValidationError) -> String {
        guard let value = try required(name).stringValue else {
            throw EventValidationError(path: path + name, message: "expected a string")
        }
        return value
    }

    mutating func optionalString(_ name: String) throws(EventValidationError) -> String? {
        guard let value = take(name), !value.isNull else { return nil }
        guard let text = value.stringValue else { throw EventValidationError(path: path + name, message: "expected a string or null") }
        return text
    }

    mutating func date(_ name: String) throws(EventValidationError) -> LocalDate {
        let text = try string(name)
        guard let date = LocalDate(text) else { throw EventValidationError(path: path + name, message: "expected a date YYYY-MM-DD") }
        return date
    }

    mutating func optionalDate(_ name: String) throws(EventValidationError) -> LocalDate? {
        guard let text = try optionalString(name) else { return nil }
        guard let date = LocalDate(text) else {
            throw EventValidationError(path: path + name, message: "expected a date YYYY-MM-DD or null")
        }
        return date
    }

    mutating func enumeration<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws(EventValidationError) -> T
    where T.RawValue == String {
        let text = try string(name)
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw EventValidationError(path: path + name, message: "expected one of \(allowed), got \"\(text)\"")
        }
        return value
    }

    mutating func optionalEnumeration<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws(EventValidationError) -> T?
    where T.RawValue == String {
        guard let value = take(name), !value.isNull else { return nil }
        guard let text = value.stringValue, let result = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw EventValidationError(path: path + name, message: "expected one of \(allowed), or null")
        }
        return result
    }

    mutating func optionalBool(_ name: String) throws(EventValidationError) -> Bool? {
        guard let value = take(name), !value.isNull else { return nil }
        guard case .bool(let flag) = value else { throw EventValidationError(path: path + name, message: "expected true, false or null") }
        return flag
    }

    /// The `verbatim` object of source codes, empty when absent.
    mutating func verbatim() throws(EventValidationError) -> [String: String] {
        var verbatim: [String: String] = [:]
        if let verbatimValue = take("verbatim"), !verbatimValue.isNull {
            guard case .object(let entries) = verbatimValue else {
                throw EventValidationError(path: path + "verbatim", message: "expected an object of strings")
            }
            for (key, value) in entries {
                guard let text = value.stringValue else {
                    throw EventValidationError(path: path + "verbatim.\(key)", message: "expected a string")
                }
                verbatim[key] = text
            }
        }
        return verbatim
    }

    func rejectUnknown() throws(EventValidationError) {
        if let name = members.keys.sorted().first {
            throw EventValidationError(path: path + name, message: "unknown member")
        }
    }
}

extension EventPayload {
    /// Reads the members of a payload of the given type: which are there and their JSON types, not
    /// the rules that relate them (``validate()``), so that an event already stored decodes as it
    /// was accepted.
    static func decode(type: EventType, from data: inout MemberReader) throws(EventValidationError) -> EventPayload {
        switch type {
        case .targetGroupDetermined:
            let code = try data.enumeration("code", TargetGroupDetermined.Code.self)
            let targetType = try data.enumeration("targetType", TargetGroupDetermined.TargetType.self)
            // An obliged person's start may be unknown (KBI's Periode is optional); the status engine
            // then says the obligation's start is unknown instead of guessing a window.
            let start = try data.optionalDate("periodStart")
            let end = try data.optionalDate("periodEnd")
            return .targetGroupDetermined(.init(code: code, targetType: targetType, periodStart: start, periodEnd: end))
        case .residenceChanged:
            let region = try data.enumeration("region", ResidenceChanged.Region.self)
            let nis = try data.optionalString("nisCode")
            let country = try data.optionalString("country")
            return .residenceChanged(.init(region: region, nisCode: nis, country: country))
        case .exemptionGranted:
            let category = try data.enumeration("category", ExemptionGranted.Category.self)
            return .exemptionGranted(.init(category: category, until: try data.optionalDate("until")))
        case .exemptionWithdrawn:
            return .exemptionWithdrawn
        case .registered:
            let kind = try data.enumeration("kind", Registered.Kind.self)
            return .registered(.init(kind: kind, agency: try data.string("agency")))
        case .postponement:
            let kind = try data.enumeration("kind", Postponement.Kind.self)
            let from = try data.date("from")
            let until = try data.optionalDate("until")
            return .postponement(.init(kind: kind, from: from, until: until, reasonCode: try data.string("reasonCode")))
        case .contractSigned:
            let agency = try data.string("agency")
            guard case .array(let elements) = try data.required("components") else {
                throw EventValidationError(path: "data.components", message: "expected an array")
            }
            var components: [Component] = []
            for (index, element) in elements.enumerated() {
                guard let text = element.stringValue, let component = Component(rawValue: text) else {
                    throw EventValidationError(
                        path: "data.components[\(index)]",
                        message: "expected one of \(Component.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                components.append(component)
            }
            let regime = try data.optionalEnumeration("regime", ContractSigned.Regime.self)
            return .contractSigned(.init(agency: agency, components: components, regime: regime))
        case .componentResult:
            let component = try data.enumeration("component", Component.self)
            let decision = try data.enumeration("decision", ComponentResult.Decision.self)
            let level = try data.optionalEnumeration("level", CEFRLevel.self)
            return .componentResult(.init(component: component, decision: decision, level: level))
        case .dutchLevelReached:
            let level = try data.enumeration("level", CEFRLevel.self)
            return .dutchLevelReached(.init(level: level, tested: try data.optionalBool("tested") ?? false))
        case .certificateIssued:
            let kind = try data.enumeration("kind", CertificateIssued.Kind.self)
            return .certificateIssued(.init(kind: kind, documentId: try data.string("documentId")))
        case .infringementRecorded:
            let id = try data.string("infringementId")
            let kind = try data.enumeration("kind", InfringementRecorded.Kind.self)
            let notice = try data.optionalDate("noticeOfDefaultOn")
            let authority = try data.optionalEnumeration("authority", InfringementRecorded.Authority.self) ?? .abb
            return .infringementRecorded(.init(infringementId: id, kind: kind, noticeOfDefaultOn: notice, authority: authority))
        case .infringementDecided:
            let id = try data.string("infringementId")
            let decision = try data.enumeration("decision", InfringementDecided.Decision.self)
            var amount: Int?
            if let value = data.take("amountEUR"), !value.isNull {
                guard case .integer(let integer) = value, let whole = Int(exactly: integer) else {
                    throw EventValidationError(path: "data.amountEUR", message: "expected a whole number of euro")
                }
                amount = whole
            }
            return .infringementDecided(.init(infringementId: id, decision: decision, amountEUR: amount))
        case .eventRetracted:
            let text = try data.string("retractedEventId")
            guard let id = UUID.parse(text) else {
                throw EventValidationError(path: "data.retractedEventId", message: "expected a UUID")
            }
            return .eventRetracted(.init(retractedEventId: id, reason: try data.string("reason")))
        case .waitingList:
            let until = try data.optionalDate("until")
            let course = try data.optionalString("course")
            return .waitingList(.init(until: until, course: course))
        case .agencyAssigned:
            let agency = try data.string("agency")
            return .agencyAssigned(.init(agency: agency, until: try data.optionalDate("until")))
        }
    }

    /// The rules an incoming payload must keep beyond its members' types: text lengths, dates in
    /// order, a NIS code inside its region, a fine's amount within the legal range. The first rule
    /// broken is the error, with the member it concerns.
    func validate() throws(EventValidationError) {
        func text(_ value: String, _ name: String) throws(EventValidationError) {
            guard !value.isEmpty, value.utf8.count <= 200 else {
                throw EventValidationError(path: "data." + name, message: "expected 1 to 200 characters")
            }
        }
        switch self {
        case .targetGroupDetermined(let p):
            if let start = p.periodStart, let end = p.periodEnd, end < start {
                throw EventValidationError(path: "data.periodEnd", message: "before periodStart")
            }
        case .residenceChanged(let p):
            if let nis = p.nisCode {
                guard let derived = ResidenceChanged.Region(nisCode: nis) else {
                    throw EventValidationError(path: "data.nisCode", message: "expected the 5-digit NIS code of a Belgian municipality")
                }
                guard derived == p.region else {
                    throw EventValidationError(
                        path: "data.region", message: "NIS code \(nis) lies in \(derived.rawValue), not \(p.region.rawValue)")
                }
            }
            if let country = p.country {
                guard ResidenceChanged.isCountryCode(country), country != "BE" else {
                    throw EventValidationError(
                        path: "data.country", message: "expected an ISO 3166-1 alpha-2 code of a country other than BE")
                }
                guard p.region == .abroad else {
                    throw EventValidationError(path: "data.country", message: "only a residence abroad has a country")
                }
            }
            if p.nisCode != nil, p.country != nil {
                throw EventValidationError(path: "data.country", message: "a residence has a NIS code or a country, not both")
            }
        case .exemptionGranted, .exemptionWithdrawn, .dutchLevelReached:
            break
        case .registered(let p):
            try text(p.agency, "agency")
        case .postponement(let p):
            if let until = p.until, until < p.from { throw EventValidationError(path: "data.until", message: "before from") }
            try text(p.reasonCode, "reasonCode")
        case .contractSigned(let p):
            try text(p.agency, "agency")
            for (index, component) in p.components.enumerated() where p.components[..<index].contains(component) {
                throw EventValidationError(path: "data.components[\(index)]", message: "listed twice")
            }
        case .componentResult(let p):
            if p.level != nil, p.component != .dutch {
                throw EventValidationError(path: "data.level", message: "only a result of the dutch component has a level")
            }
        case .certificateIssued(let p):
            try text(p.documentId, "documentId")
        case .infringementRecorded(let p):
            try text(p.infringementId, "infringementId")
        case .infringementDecided(let p):
            try text(p.infringementId, "infringementId")
            switch p.decision {
            case .fine:
                guard let amount = p.amountEUR, (50...5000).contains(amount) else {
                    throw EventValidationError(path: "data.amountEUR", message: "a fine needs an amount from 50 to 5000")
                }
            case .noFollowUp, .rectified:
                guard p.amountEUR == nil else {
                    throw EventValidationError(path: "data.amountEUR", message: "only a fine has an amount")
                }
            }
        case .eventRetracted(let p):
            try text(p.reason, "reason")
        case .waitingList(let p):
            if let course = p.course, course.isEmpty || course.utf8.count > 200 {
                throw EventValidationError(path: "data.course", message: "expected 1 to 200 characters or null")
            }
        case .agencyAssigned(let p):
            try text(p.agency, "agency")
        }
    }

    /// The members of the `data` object, without `verbatim`.
    var members: [String: JSONValue] {
        func date(_ value: LocalDate?) -> JSONValue { value.map { .string($0.description) } ?? .null }
        switch self {
        case .targetGroupDetermined(let p):
            return [
                "code": .string(p.code.rawValue), "targetType": .string(p.targetType.rawValue),
                "periodStart": date(p.periodStart), "periodEnd": date(p.periodEnd),
            ]
        case .residenceChanged(let p):
            var members: [String: JSONValue] = ["region": .string(p.region.rawValue)]
            if let nis = p.nisCode { members["nisCode"] = .string(nis) }
            if let country = p.country { members["country"] = .string(country) }
            return members
        case .exemptionGranted(let p):
            return ["category": .string(p.category.rawValue), "until": date(p.until)]
        case .exemptionWithdrawn:
            return [:]
        case .registered(let p):
            return ["kind": .string(p.kind.rawValue), "agency": .string(p.agency)]
        case .postponement(let p):
            return ["kind": .string(p.kind.rawValue), "from": date(p.from), "until": date(p.until), "reasonCode": .string(p.reasonCode)]
        case .contractSigned(let p):
            var members: [String: JSONValue] = [
                "agency": .string(p.agency), "components": .array(p.components.map { .string($0.rawValue) }),
            ]
            if let regime = p.regime { members["regime"] = .string(regime.rawValue) }
            return members
        case .componentResult(let p):
            var members: [String: JSONValue] = ["component": .string(p.component.rawValue), "decision": .string(p.decision.rawValue)]
            if let level = p.level { members["level"] = .string(level.rawValue) }
            return members
        case .dutchLevelReached(let p):
            var members: [String: JSONValue] = ["level": .string(p.level.rawValue)]
            if p.tested { members["tested"] = .bool(true) }
            return members
        case .certificateIssued(let p):
            return ["kind": .string(p.kind.rawValue), "documentId": .string(p.documentId)]
        case .infringementRecorded(let p):
            var members: [String: JSONValue] = [
                "infringementId": .string(p.infringementId), "kind": .string(p.kind.rawValue),
                "noticeOfDefaultOn": date(p.noticeOfDefaultOn),
            ]
            if p.authority != .abb { members["authority"] = .string(p.authority.rawValue) }
            return members
        case .infringementDecided(let p):
            var members: [String: JSONValue] = ["infringementId": .string(p.infringementId), "decision": .string(p.decision.rawValue)]
            if let amount = p.amountEUR { members["amountEUR"] = .integer(Int64(amount)) }
            return members
        case .eventRetracted(let p):
            return ["retractedEventId": .string(p.retractedEventId.lowercasedString), "reason": .string(p.reason)]
        case .waitingList(let p):
            var members: [String: JSONValue] = ["until": date(p.until)]
            if let course = p.course { members["course"] = .string(course) }
            return members
        case .agencyAssigned(let p):
            return ["agency": .string(p.agency), "until": date(p.until)]
        }
    }
}
