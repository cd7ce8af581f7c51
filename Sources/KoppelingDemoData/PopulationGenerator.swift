public import KoppelingCore

import struct Foundation.UUID

/// A deterministic pseudo-random generator (SplitMix64): the same seed always gives the same
/// population, on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes a synthetic population as events, in the proportions of BRIEF section 7: per year some
/// 40–60 thousand people enter the target group, about half sign a contract, some 16 thousand
/// obtain a certificate, 1,200–1,600 infringements and 400–900 fines. Brussels residents,
/// entitled people, exemptions, postponements, open-ended suspensions and the odd retraction are
/// all present, so that every status of the rule table occurs.
///
/// Person `i` always gets the same events for the same seed, and distinct persons get distinct
/// national numbers (a bijection from the person index onto birth date and day counter).
public struct PopulationGenerator: Sendable {
    /// The seed.
    public let seed: UInt64
    /// How many persons.
    public let persons: Int
    /// The sending systems, as `source`.
    public static let agencies = ["agii", "atlas", "amal", "bon"]

    private static let firstBirthDay = LocalDate(year: 1950, month: 1, day: 1)!
    private static let lastBirthDay = LocalDate(year: 2006, month: 12, day: 31)!
    private static let firstStart = LocalDate(year: 2019, month: 1, day: 1)!
    private static let lastStart = LocalDate(year: 2026, month: 10, day: 31)!

    public init(seed: UInt64, persons: Int) {
        self.seed = seed
        self.persons = persons
    }

    /// The national number of person `index`.
    public func nationalNumber(of index: Int) -> NationalNumber {
        let days = Int(Self.lastBirthDay.daysSinceEpoch - Self.firstBirthDay.daysSinceEpoch) + 1
        let slots = days * 499
        // An affine map modulo `slots` with a multiplier coprime to it is a bijection.
        var multiplier = 1_000_003
        while gcd(multiplier, slots) != 1 { multiplier += 2 }
        let slot = (index % slots * multiplier + Int(seed % UInt64(slots))) % slots
        let birth = Self.firstBirthDay.adding(days: slot / 499)
        let (year, month, day) = birth.components
        // Counters 001–998; odd for men, even for women.
        let counter = (slot % 499) * 2 + 1 + Int((UInt64(index) ^ seed) & 1)
        let firstNine = (year % 100) * 10_000_000 + month * 100_000 + day * 1000 + counter
        let check = NationalNumber.checkDigits(firstNine: firstNine, bornIn2000s: year >= 2000)
        let text = LocalDate.pad(firstNine, 9) + LocalDate.pad(check, 2)
        // Test numbers are allowed only so that the MAGDA test persons' numbers are not refused here; the
        // generator never makes a test month.
        return try! NationalNumber(text, policy: .init(allowsTestNumbers: true, currentYear: 9999))
    }

    /// SplitMix64's finaliser over the seed and a constant: unrelated starting points for unrelated seeds.
    static func mix(_ seed: UInt64) -> UInt64 {
        var z = seed ^ 0x6A09_E667_F3BC_C908
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private func gcd(_ a: Int, _ b: Int) -> Int {
        b == 0 ? a : gcd(b, a % b)
    }

    /// The events of person `index`, in the order an agency would have sent them.
    public func events(ofPerson index: Int) -> [Event] {
        var random = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index))
        let insz = nationalNumber(of: index)
        let agency = Self.agencies[Int(random.next() % 10) < 5 ? 0 : Int(random.next() % 4)]
        var events: [Event] = []
        // Event ids come from their own stream, started at a mix of the seed: the content's stream
        // of seed s + 1 is that of seed s one step on (both advance by the same constant), so ids
        // drawn from it collided between populations of neighbouring seeds.
        var ids = SplitMix64(seed: Self.mix(seed) &+ UInt64(index))
        func id() -> EventID {
            // The content's stream still advances as before, so a seed's population is unchanged but for its ids.
            _ = random.next()
            _ = random.next()
            var b = [UInt8](repeating: 0, count: 16)
            for half in 0..<2 {
                var word = ids.next()
                for offset in 0..<8 {
                    b[half * 8 + offset] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                }
            }
            b[6] = (b[6] & 0x0F) | 0x40
            b[8] = (b[8] & 0x3F) | 0x80
            return UUID(bytes: b)
        }
        func add(_ date: LocalDate, _ payload: EventPayload) {
            events.append(Event(eventId: id(), insz: insz, effectiveDate: date, source: agency, payload: payload))
        }
        func chance(_ percent: Double) -> Bool {
            Double(random.next() % 10_000) < percent * 100
        }
        func days(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(random.next() % UInt64(range.count))
        }
        let span = Int(Self.lastStart.daysSinceEpoch - Self.firstStart.daysSinceEpoch)
        let start = Self.firstStart.adding(days: days(0...span))
        // Flemish municipalities (Antwerp, Ghent, Leuven, Hasselt, Bruges, and Puurs-Sint-Amands,
        // merged in 2019); Brussels residents below get 21004.
        let nis = ["11002", "44021", "24062", "71016", "31005", "12041"][Int(random.next() % 6)]
        let profile = random.next() % 1000

        if profile < 50 {
            add(start, .targetGroupDetermined(.init(code: .nee, targetType: .none, periodStart: start, periodEnd: nil)))
            return events
        }
        if profile < 170 {
            add(start, .residenceChanged(.init(region: .brussels, nisCode: "21004")))
            add(start, .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: start, periodEnd: nil)))
            if chance(40) { add(start.adding(days: days(10...120)), .registered(.init(kind: .first, agency: "bon"))) }
            return events
        }
        add(start, .residenceChanged(.init(region: .flanders, nisCode: nis)))
        if profile < 320 {
            add(start, .targetGroupDetermined(.init(code: .ja, targetType: .entitled, periodStart: start, periodEnd: nil)))
            if chance(45) {
                let registered = start.adding(days: days(5...200))
                add(registered, .registered(.init(kind: .first, agency: agency)))
                add(
                    registered.adding(days: days(7...40)), .contractSigned(.init(agency: agency, components: [.socialOrientation, .dutch])))
            }
            return events
        }
        add(start, .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: start, periodEnd: nil)))
        if chance(6) {
            let categories = EventPayload.ExemptionGranted.Category.allCases
            let until: LocalDate? = chance(30) ? start.adding(days: days(90...720)) : nil
            add(
                start.adding(days: days(5...60)),
                .exemptionGranted(.init(category: categories[Int(random.next() % UInt64(categories.count))], until: until)))
            if chance(10) { add(start.adding(days: days(61...400)), .exemptionWithdrawn) }
            return events
        }
        if chance(4) {
            let from = start.adding(days: days(0...40))
            let until: LocalDate? = chance(25) ? nil : from.adding(days: days(60...365))
            add(from, .postponement(.init(kind: chance(50) ? .registration : .signing, from: from, until: until, reasonCode: "MEDISCH")))
        }
        let late = chance(10)
        guard chance(85) else {
            if chance(30) {
                let recorded = start.adding(days: days(100...200))
                add(
                    recorded,
                    .infringementRecorded(
                        .init(infringementId: "INB-\(index)-1", kind: .lateRegistration, noticeOfDefaultOn: recorded.adding(days: 3))))
                if chance(60) {
                    add(
                        recorded.adding(days: days(30...120)),
                        .infringementDecided(
                            .init(infringementId: "INB-\(index)-1", decision: .fine, amountEUR: 50 * (1 + Int(random.next() % 20)))))
                }
            }
            return events
        }
        let registered = start.adding(days: late ? days(95...200) : days(3...88))
        add(registered, .registered(.init(kind: .first, agency: agency)))
        guard chance(92) else { return events }
        let signed = registered.adding(days: days(5...45))
        let components: [Component] =
            chance(30) ? [.socialOrientation, .dutch, .work, .participation] : [.socialOrientation, .dutch, .work]
        add(signed, .contractSigned(.init(agency: agency, components: components)))
        if chance(3) {
            let from = signed.adding(days: days(30...200))
            add(
                from,
                .postponement(
                    .init(kind: .suspension, from: from, until: chance(30) ? nil : from.adding(days: days(30...180)), reasonCode: "ZIEKTE"))
            )
        }
        let moDone = signed.adding(days: days(60...200))
        add(moDone, .componentResult(.init(component: .socialOrientation, decision: chance(92) ? .passed : .failed)))
        let level: CEFRLevel = chance(80) ? .a2 : (chance(50) ? .a1 : .b1)
        let dutchDone = signed.adding(days: days(150...500))
        add(dutchDone, .dutchLevelReached(.init(level: level)))
        add(dutchDone, .componentResult(.init(component: .dutch, decision: level >= .a2 ? .passed : .failed)))
        if chance(6) {
            let recorded = signed.adding(days: days(60...300))
            add(
                recorded,
                .infringementRecorded(
                    .init(infringementId: "INB-\(index)-2", kind: .irregularParticipation, noticeOfDefaultOn: recorded.adding(days: 5))))
            let outcome = random.next() % 100
            if outcome < 45 {
                add(
                    recorded.adding(days: days(30...150)),
                    .infringementDecided(
                        .init(infringementId: "INB-\(index)-2", decision: .fine, amountEUR: 50 * (1 + Int(random.next() % 30)))))
            } else if outcome < 65 {
                add(
                    recorded.adding(days: days(30...150)),
                    .infringementDecided(.init(infringementId: "INB-\(index)-2", decision: .noFollowUp, amountEUR: nil)))
            }
        }
        if level >= .a2, chance(70) {
            let issued = max(moDone, dutchDone).adding(days: days(10...90))
            add(issued, .certificateIssued(.init(kind: .integrationCertificate, documentId: "AI023-\(index)")))
            if chance(0.5) {
                let wrong = events[events.count - 1].eventId
                add(issued.adding(days: 2), .eventRetracted(.init(retractedEventId: wrong, reason: "issued in error")))
            }
        } else if level < .a2, chance(15) {
            add(dutchDone.adding(days: days(30...120)), .certificateIssued(.init(kind: .effortStatement, documentId: "VGI-\(index)")))
        }
        return events
    }
}
