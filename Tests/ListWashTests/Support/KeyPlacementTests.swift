import Testing
@testable import ListWash

@Suite struct KeyPlacementTests {
    /// Unique keys in range come back in key order (what sorting by key gives); a repeated key
    /// or one out of range gives nil, and nothing to order gives nothing.
    @Test func ordersUniqueKeysAsASortWouldAndRefusesTheRest() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let range = Int.random(in: 1...500, using: &random)
            let keys = Array((0..<range).shuffled(using: &random).prefix(Int.random(in: 0...range, using: &random)))
            #expect(KeyPlacement.order(count: keys.count, range: range) { keys[$0] } == keys.indices.sorted { keys[$0] < keys[$1] })
        }
        let keys = [4, 1, 4]
        #expect(KeyPlacement.order(count: 3, range: 5) { keys[$0] } == nil)
        #expect(KeyPlacement.order(count: 1, range: 5) { _ in 5 } == nil)
        #expect(KeyPlacement.order(count: 1, range: 5) { _ in -1 } == nil)
        #expect(KeyPlacement.order(count: 0, range: 0) { _ in 0 } == [])
        #expect(KeyPlacement.order(count: 1, range: 0) { _ in 0 } == nil)
    }
}
