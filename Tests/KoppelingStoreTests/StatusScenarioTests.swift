import Foundation
import KoppelingCore
import KoppelingDemoData
import KoppelingStore
import KoppelingTestSupport
import Testing

/// The scenario file `Tests/Fixtures/scenarios/status-scenarios.json`: persons written from the
/// status rules with what the rules say about them, stored in a real register on every backend and
/// asked back through the register (status) and the disclosure projection (items).
@Suite("Status scenarios (SQLite and PostgreSQL)")
struct StatusScenarioTests {
    static let file = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/scenarios/status-scenarios.json")

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The scenario file, parsed.
    static func persons() throws -> [JSONValue] {
        let value = try JSONValue.parse(String(contentsOf: file, encoding: .utf8))
        guard case .object(let root) = value, case .array(let persons)? = root["persons"] else { throw Failure(description: "no persons") }
        return persons
    }

    /// The events of a person, by batch, in the register's JSON form with derived ids.
    static func events(of person: [String: JSONValue], insz: NationalNumber, name: String) throws -> [Int: [Event]] {
        guard case .array(let items)? = person["events"] else { return [:] }
        func id(_ label: String) -> String { SnapshotReconciliation.derivedId(["scenario", name, label]).lowercasedString }
        var batches: [Int: [Event]] = [:]
        for (index, item) in items.enumerated() {
            guard case .object(var members) = item else { throw Failure(description: "\(name): event \(index) is not an object") }
            let batch =
                members.removeValue(forKey: "batch").flatMap { value -> Int? in
                    if case .integer(let number) = value { return Int(number) }
                    return nil
                } ?? 1
            let label = members.removeValue(forKey: "ref")?.stringValue ?? "event-\(index)"
            if case .object(var data)? = members["data"], let reference = data["retractedEventId"]?.stringValue, reference.hasPrefix("@") {
                data["retractedEventId"] = .string(id(String(reference.dropFirst())))
                members["data"] = .object(data)
            }
            members["effectiveDate"] = members.removeValue(forKey: "on")
            members["eventId"] = .string(id(label))
            members["insz"] = .string(insz.digits)
            members["source"] = .string("scenario")
            do {
                batches[batch, default: []].append(try Event(json: .object(members), policy: TestEnvironment.policy))
            } catch {
                throw Failure(description: "\(name): event \(index): \(error)")
            }
        }
        return batches
    }

    @Test("at least 40 persons, each with expectations, every status of the table among them")
    func fileCoversTheRules() throws {
        let persons = try Self.persons()
        #expect(persons.count >= 40)
        var statuses = Set<String>()
        for person in persons {
            guard case .object(let members) = person, case .array(let expectations)? = members["expect"] else {
                Issue.record("a person without expectations")
                continue
            }
            #expect(!expectations.isEmpty)
            for case .object(let expectation) in expectations {
                if let status = expectation["status"]?.stringValue { statuses.insert(status) }
            }
        }
        #expect(statuses == Set(StatusCode.allCases.map(\.rawValue)))
    }

    @Test("every person's status, flags and disclosure items are what the rules say", arguments: TestStores.backends)
    func scenarios(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let register = Register(store: store, engine: StatusEngine(), allowsTestNumbers: true, today: { LocalDate("2026-12-01")! })
        let persons = try Self.persons()
        let generator = PopulationGenerator(seed: 2026, persons: persons.count)
        var batches: [Int: [Event]] = [:]
        var people: [(name: String, insz: NationalNumber, expectations: [JSONValue])] = []
        for (index, person) in persons.enumerated() {
            guard case .object(let members) = person, let name = members["name"]?.stringValue,
                case .array(let expectations)? = members["expect"]
            else {
                throw Failure(description: "person \(index) has no name or expectations")
            }
            let insz = generator.nationalNumber(of: index)
            for (batch, events) in try Self.events(of: members, insz: insz, name: name) { batches[batch, default: []] += events }
            people.append((name, insz, expectations))
        }
        // Each batch is one transaction with its own recording instant.
        var recorded: [Int: Instant] = [:]
        for batch in batches.keys.sorted() {
            let summary = try await register.append(batches[batch]!)
            #expect(summary.stored == batches[batch]!.count)
            recorded[batch] = summary.recordedAt
        }
        var checked = 0
        for person in people {
            let events = try await store.events(of: person.insz)
            for case .object(let expectation) in person.expectations {
                let on = LocalDate(expectation["on"]?.stringValue ?? "2025-06-30")!
                var knownAt: Instant?
                if case .integer(let batch)? = expectation["knownAtBatch"] { knownAt = recorded[Int(batch)] }
                let context = "\(person.name) on \(on)\(knownAt == nil ? "" : " as known after batch")"
                let status = try await register.status(of: person.insz, on: on, knownAt: knownAt)
                if let expected = expectation["status"]?.stringValue {
                    #expect(status.status.rawValue == expected, "\(context)")
                }
                if let since = expectation["since"] {
                    #expect((status.since.map { JSONValue.string($0.description) } ?? .null) == since, "\(context): since")
                }
                if case .array(let reasons)? = expectation["reasons"] {
                    #expect(status.reasons.map(\.code) == reasons.compactMap(\.stringValue), "\(context): reasons")
                }
                if case .object(let flags)? = expectation["flags"] {
                    var text = ""
                    status.flags.writeJSON(to: &text)
                    guard case .object(let actual) = try JSONValue.parse(text) else { throw Failure(description: "flags") }
                    for (name, value) in flags {
                        #expect(actual[name] == value, "\(context): flag \(name)")
                    }
                }
                if case .object(let items)? = expectation["items"] {
                    let projected = register.projection.project(
                        events, insz: person.insz, on: on, knownAt: knownAt, fields: DisclosureField.allCases)
                    let actual = Dictionary(uniqueKeysWithValues: projected.map { ($0.field.rawValue, $0.value) })
                    for (name, value) in items {
                        #expect(actual[name] != nil, "\(context): no item \(name)")
                        #expect(actual[name] == value, "\(context): item \(name)")
                    }
                }
                checked += 1
            }
        }
        #expect(checked >= 60)
    }
}
