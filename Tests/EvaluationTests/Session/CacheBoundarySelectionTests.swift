import XCTest
import Quantization
@testable import Evaluation

final class CacheBoundarySelectionTests: XCTestCase {
    /// Five units; boundary p's value is "v<p>" with `bytes[p]` bytes per sample.
    private func select(costs: [Double], bytes: [Int], budget: Int) -> CacheBoundarySelection {
        let live = (0...costs.count).map { position -> Set<ValueKey> in
            position == 0 || position == costs.count ? [] : [.integer("v\(position)")]
        }
        return CacheBoundarySelection.select(unitCosts: costs, liveValues: live, budget: budget) { key in
            guard case .integer(let name) = key, let position = Int(name.dropFirst()) else { return 0 }
            return bytes[position]
        }
    }

    func testBoundaryAfterExpensiveUnitWins() {
        // Unit 2 costs most. Keeping its output (boundary 3) spares it for
        // changes at 3 and 4, which saves more than boundary 2 (spares units 0
        // and 1 for three changes) or the last boundary, all of the same size.
        let selection = select(costs: [1, 1, 10, 1, 1], bytes: [0, 50, 10, 10, 10], budget: 10)
        XCTAssertEqual(selection.positions, [3])
        XCTAssertEqual(selection.bytesPerSample, 10)
    }

    func testSelectionStaysWithinBudget() {
        let selection = select(costs: [5, 1, 10, 1, 1], bytes: [0, 50, 10, 12, 3], budget: 25)
        XCTAssertLessThanOrEqual(selection.bytesPerSample, 25)
        // Boundary 4 saves most per byte, then 3, then 2 fills the budget exactly.
        XCTAssertEqual(selection.positions, [2, 3, 4])
        XCTAssertEqual(selection.keys, [.integer("v2"), .integer("v3"), .integer("v4")])
    }

    func testNothingFitsKeepsNothing() {
        let selection = select(costs: [1, 1, 1, 1, 1], bytes: [0, 9, 9, 9, 9], budget: 8)
        XCTAssertEqual(selection.positions, [])
        XCTAssertEqual(selection.bytesPerSample, 0)
    }

    func testSharedValueIsCountedOnce() {
        // Value b is live at boundaries 2 and 3 and c at 3 and 4, as with skip
        // connections, so once 2 and 4 are kept, 3 adds no bytes.
        let live: [Set<ValueKey>] = [[], [.integer("a")], [.integer("b")], [.integer("b"), .integer("c")],
                                     [.integer("c")], []]
        let sizes: [String: Int] = ["a": 100, "b": 10, "c": 5]
        let selection = CacheBoundarySelection.select(unitCosts: [1, 1, 1, 1, 1], liveValues: live, budget: 15) { key in
            guard case .integer(let name) = key else { return 0 }
            return sizes[name] ?? 0
        }
        XCTAssertEqual(selection.positions, [2, 3, 4])
        XCTAssertEqual(selection.bytesPerSample, 15)
    }

    func testToggleCostSumsSuffixFromLatestBoundary() {
        // Changes at 0, 1: rerun everything (6); at 2, 3: rerun from 2 (4 each).
        XCTAssertEqual(CacheBoundarySelection.totalToggleCost(unitCosts: [1, 1, 2, 2], kept: [2]), 6 + 6 + 4 + 4)
        XCTAssertEqual(CacheBoundarySelection.totalToggleCost(unitCosts: [1, 1, 2, 2], kept: []), 24)
    }
}
