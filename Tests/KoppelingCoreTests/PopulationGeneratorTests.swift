import KoppelingCore
import KoppelingDemoData
import Testing

@Suite("Synthetic population")
struct PopulationGeneratorTests {
    @Test("populations of different seeds share no event id, and a seed's events are its own and the same every time")
    func seedsDoNotCollide() {
        var seen: [EventID: UInt64] = [:]
        var collisions = 0
        for seed: UInt64 in [1, 2, 3, 4] {
            let generator = PopulationGenerator(seed: seed, persons: 2_000)
            for index in 0..<2_000 {
                for event in generator.events(ofPerson: index) {
                    if seen.updateValue(seed, forKey: event.eventId) != nil { collisions += 1 }
                }
            }
        }
        #expect(collisions == 0)
        #expect(seen.count > 4 * 2_000)
        let again = PopulationGenerator(seed: 2, persons: 2_000)
        #expect(again.events(ofPerson: 17) == PopulationGenerator(seed: 2, persons: 2_000).events(ofPerson: 17))
        #expect(again.events(ofPerson: 17).allSatisfy { seen[$0.eventId] == 2 })
    }
}
