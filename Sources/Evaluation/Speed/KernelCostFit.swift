/// Fits a `KernelCost` per `KernelClass` to timed kernel runs.
///
/// For the samples `i` of one class, with counts `x_i[f]` of the class's
/// features and measured seconds `t_i`, the fit chooses the overhead `c_0`
/// and the per-feature costs `c_f`, all non-negative, that minimize the sum
/// of squared relative errors
///
///     sum over i of ((c_0 + sum over f of c_f * x_i[f] - t_i) / t_i)^2
///
/// Relative errors weight a 5-microsecond layer like a 5-millisecond one,
/// as a per-layer tolerance in percent requires. The
/// non-negative least-squares problem is solved exactly by trying every
/// subset of the at most ten columns, solving the normal equations of
/// each, and keeping the best solution whose coefficients are all
/// non-negative.
public enum KernelCostFit {
    /// One timed kernel run.
    public struct Sample: Sendable, Equatable {
        public var work: KernelWork
        public var seconds: Double

        public init(work: KernelWork, seconds: Double) {
            self.work = work
            self.seconds = seconds
        }
    }

    /// Returns the fitted cost of every class that has at least one sample
    /// with a positive time; `cacheBytes` decides `spilledElement`.
    public static func fit(_ samples: [Sample],
                           cacheBytes: Int = KernelCostTable.defaultCacheBytes) -> KernelCostTable {
        let byClass = Dictionary(grouping: samples.filter { $0.seconds > 0 }, by: \.work.kernelClass)
        var costs: [KernelClass: KernelCost] = [:]
        for (kernelClass, classSamples) in byClass {
            costs[kernelClass] = fit(classSamples, features: kernelClass.features, cacheBytes: cacheBytes)
        }
        return KernelCostTable(costs: costs, cacheBytes: cacheBytes)
    }

    /// Returns the fitted cost of samples of one class over `features`.
    static func fit(_ samples: [Sample], features: [KernelFeature], cacheBytes: Int) -> KernelCost {
        // Column 0 is the overhead; each row is divided by its time, so the
        // target of every row is 1.
        let rows = samples.map { sample in
            let counts = sample.work.counts(cacheBytes: cacheBytes)
            return ([1.0] + features.map { Double(counts[$0] ?? 0) }).map { $0 / sample.seconds }
        }
        let columnCount = features.count + 1
        var best: (coefficients: [Double], residual: Double)?
        for mask in 1..<(1 << columnCount) {
            let columns = (0..<columnCount).filter { mask & (1 << $0) != 0 }
            guard let solution = leastSquares(rows: rows, columns: columns),
                  solution.allSatisfy({ $0 >= 0 }) else { continue }
            var coefficients = [Double](repeating: 0, count: columnCount)
            for (column, value) in zip(columns, solution) { coefficients[column] = value }
            let residual = rows.reduce(0.0) { total, row in
                let predicted = zip(row, coefficients).reduce(0) { $0 + $1.0 * $1.1 }
                return total + (predicted - 1) * (predicted - 1)
            }
            if best == nil || residual < best!.residual { best = (coefficients, residual) }
        }
        let coefficients = best?.coefficients ?? [Double](repeating: 0, count: columnCount)
        var secondsPer: [KernelFeature: Double] = [:]
        for (index, feature) in features.enumerated() where coefficients[index + 1] > 0 {
            secondsPer[feature] = coefficients[index + 1]
        }
        return KernelCost(overheadSeconds: coefficients[0], secondsPer: secondsPer)
    }

    /// Solves `min |A c - 1|` over the given columns of `rows` by the
    /// normal equations, with each column scaled to a maximum of 1 first.
    /// Returns nil when a column is all zero or the system is singular.
    static func leastSquares(rows: [[Double]], columns: [Int]) -> [Double]? {
        let scales = columns.map { column in rows.map { abs($0[column]) }.max() ?? 0 }
        guard scales.allSatisfy({ $0 > 0 }) else { return nil }
        let size = columns.count
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: size + 1), count: size)
        for row in rows {
            let scaled = zip(columns, scales).map { row[$0] / $1 }
            for i in 0..<size {
                for j in 0..<size { matrix[i][j] += scaled[i] * scaled[j] }
                matrix[i][size] += scaled[i]
            }
        }
        guard let solution = solve(&matrix) else { return nil }
        return zip(solution, scales).map { $0 / $1 }
    }

    /// Gaussian elimination with partial pivoting on an augmented matrix.
    static func solve(_ matrix: inout [[Double]]) -> [Double]? {
        let size = matrix.count
        for pivot in 0..<size {
            let best = (pivot..<size).max { abs(matrix[$0][pivot]) < abs(matrix[$1][pivot]) }!
            guard abs(matrix[best][pivot]) > 1e-12 else { return nil }
            matrix.swapAt(pivot, best)
            for row in (pivot + 1)..<size {
                let factor = matrix[row][pivot] / matrix[pivot][pivot]
                for column in pivot...size { matrix[row][column] -= factor * matrix[pivot][column] }
            }
        }
        var solution = [Double](repeating: 0, count: size)
        for row in stride(from: size - 1, through: 0, by: -1) {
            var value = matrix[row][size]
            for column in (row + 1)..<size { value -= matrix[row][column] * solution[column] }
            solution[row] = value / matrix[row][row]
        }
        return solution
    }
}
