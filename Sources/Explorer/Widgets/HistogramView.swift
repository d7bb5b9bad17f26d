import Foundation

/// A series of bin counts over equal-width bins spanning the histogram's range.
public struct HistogramSeries: Hashable, Sendable {
    public var name: String
    public var counts: [Double]

    public init(name: String, counts: [Double]) {
        self.name = name
        self.counts = counts
    }
}

/// A vertical line on a chart at a real value, with its own glyph and a label.
public struct ChartMarker: Hashable, Sendable {
    public var value: Double
    public var kind: MarkerKind
    public var label: String

    public init(value: Double, kind: MarkerKind, label: String) {
        self.value = value
        self.kind = kind
        self.label = label
    }
}

/// A histogram of values over [lowerBound, upperBound] drawn as vertical bars
/// with 1/8-cell resolution, optionally on a log scale, with a second series
/// overlaid as points and vertical markers (grid ticks, clip bounds, zero).
///
/// Rows of the area, top to bottom: a legend naming what each glyph means,
/// the chart, an axis line carrying the marker glyphs, and a label row with
/// the range ends and marker labels. A marker beyond the range is drawn as
/// an arrow at that end of the axis line.
///
/// Each column covers (upperBound - lowerBound) / width of the range and
/// shows the count mass of the bins overlapping it, in proportion to the
/// overlap, so the total count is the same at any width. A bar height is
///   h = rows * 8 * m / mMax          (linear)
///   h = rows * 8 * ln(1 + m) / ln(1 + mMax)   (log)
/// in eighths of a cell, where m is the column's mass. A non-zero mass is
/// drawn at least one eighth high so that outliers stay visible.
public struct HistogramView: Hashable, Sendable {
    public var lowerBound: Double
    public var upperBound: Double
    /// Drawn as filled bars in the `histogramFloat` role.
    public var primary: HistogramSeries
    /// Drawn as one point per column at its bar height, in the `histogramQuantized` role.
    public var overlay: HistogramSeries?
    public var markers: [ChartMarker]
    public var logScale: Bool

    public init(lowerBound: Double, upperBound: Double, primary: HistogramSeries,
                overlay: HistogramSeries? = nil, markers: [ChartMarker] = [], logScale: Bool = false) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.primary = primary
        self.overlay = overlay
        self.markers = markers
        self.logScale = logScale
    }

    /// Distributes the counts of `series` over `columns` equal columns by overlap.
    public func columnMasses(_ series: HistogramSeries, columns: Int) -> [Double] {
        var masses = Array(repeating: 0.0, count: max(0, columns))
        let binCount = series.counts.count
        guard columns > 0, binCount > 0 else { return masses }
        // Work in units of one column: bin i covers [i * scale, (i + 1) * scale).
        let scale = Double(columns) / Double(binCount)
        for (bin, count) in series.counts.enumerated() where count.isFinite && count > 0 {
            let start = Double(bin) * scale
            let end = start + scale
            var column = Int(start)
            while column < columns, Double(column) < end {
                let overlap = min(end, Double(column + 1)) - max(start, Double(column))
                masses[column] += count * overlap / scale
                column += 1
            }
        }
        return masses
    }

    /// Returns the column of a value, or nil outside the range.
    public func column(of value: Double, width: Int) -> Int? {
        guard width > 0, upperBound > lowerBound, value >= lowerBound, value <= upperBound else { return nil }
        let position = (value - lowerBound) / (upperBound - lowerBound) * Double(width)
        return min(width - 1, Int(position))
    }

    public func render(into grid: inout Grid, area: Rect, glyphs: Glyphs) {
        grid.fill(area)
        guard area.width > 0, area.height >= 4 else {
            grid.write("histogram needs 4 rows", in: area.row(0), role: .dim, ellipsis: glyphs.ellipsis)
            return
        }
        guard upperBound > lowerBound, lowerBound.isFinite, upperBound.isFinite else {
            grid.write("empty range [\(TextLayout.compact(lowerBound)), \(TextLayout.compact(upperBound))]",
                       in: area.row(0), role: .dim, ellipsis: glyphs.ellipsis)
            return
        }
        let width = area.width
        let chart = Rect(x: area.x, y: area.y + 1, width: width, height: area.height - 3)
        drawLegend(into: &grid, row: area.row(0), glyphs: glyphs)

        let primaryHeights = eighthHeights(columnMasses(primary, columns: width), rows: chart.height,
                                           scaleMaximum: scaleMaximum(width: width))
        for column in 0 ..< width {
            for row in 0 ..< chart.height {
                let fill = min(8, max(0, primaryHeights[column] - row * 8))
                if fill > 0 {
                    grid[chart.x + column, chart.maxY - 1 - row] = Cell(glyphs.verticalEighths[fill], role: .histogramFloat)
                }
            }
        }
        if let overlay {
            let heights = eighthHeights(columnMasses(overlay, columns: width), rows: chart.height,
                                        scaleMaximum: scaleMaximum(width: width))
            for column in 0 ..< width where heights[column] > 0 {
                let row = min(chart.height - 1, (heights[column] - 1) / 8)
                grid[chart.x + column, chart.maxY - 1 - row] = Cell(glyphs.overlayPoint, role: .histogramQuantized)
            }
        }

        let axis = area.row(area.height - 2)
        grid.fill(axis, with: glyphs.box.horizontal, role: .dim)
        for marker in markers {
            guard let column = column(of: marker.value, width: width) else {
                // A marker beyond the range shows as an arrow at that end of the axis.
                if marker.value < lowerBound {
                    grid[axis.x, axis.y] = Cell(glyphs.arrowLeft, role: .marker)
                } else if marker.value > upperBound {
                    grid[axis.maxX - 1, axis.y] = Cell(glyphs.arrowRight, role: .marker)
                }
                continue
            }
            let glyph = glyphs.glyph(for: marker.kind)
            // Markers run through empty space only, so bars stay readable.
            for row in chart.y ..< chart.maxY where grid[chart.x + column, row].character == " " {
                grid[chart.x + column, row] = Cell(glyph, role: .marker)
            }
            grid[axis.x + column, axis.y] = Cell(glyph, role: .marker)
        }
        drawLabels(into: &grid, row: area.row(area.height - 1))
    }

    private func scaleMaximum(width: Int) -> Double {
        let primaryMaximum = columnMasses(primary, columns: width).max() ?? 0
        let overlayMaximum = overlay.map { columnMasses($0, columns: width).max() ?? 0 } ?? 0
        return max(primaryMaximum, overlayMaximum)
    }

    private func eighthHeights(_ masses: [Double], rows: Int, scaleMaximum: Double) -> [Int] {
        guard scaleMaximum > 0 else { return masses.map { _ in 0 } }
        let fullHeight = Double(rows * 8)
        return masses.map { mass in
            guard mass > 0 else { return 0 }
            let fraction = logScale ? log1p(mass) / log1p(scaleMaximum) : mass / scaleMaximum
            return max(1, Int((fraction * fullHeight).rounded()))
        }
    }

    private func drawLegend(into grid: inout Grid, row: Rect, glyphs: Glyphs) {
        var parts: [(String, Role)] = [("\(glyphs.verticalEighths[8]) \(primary.name)", .histogramFloat)]
        if let overlay {
            parts.append(("\(glyphs.overlayPoint) \(overlay.name)", .histogramQuantized))
        }
        var seenKinds: [MarkerKind] = []
        for marker in markers where !seenKinds.contains(marker.kind) {
            seenKinds.append(marker.kind)
            parts.append(("\(glyphs.glyph(for: marker.kind)) \(HistogramView.legendName(marker.kind, label: marker.label))", .marker))
        }
        if logScale {
            parts.append(("log scale", .dim))
        }
        var x = row.x
        for (text, role) in parts {
            x = grid.write(text, x: x, y: row.y, role: role, clip: row) + 2
        }
    }

    private static func legendName(_ kind: MarkerKind, label: String) -> String {
        switch kind {
        case .gridTick: return "grid"
        case .clipBound: return "clip"
        case .zeroPoint: return "zero"
        case .custom: return label
        }
    }

    /// Writes the range ends, then each marker label at its column where it
    /// does not overlap text already placed.
    private func drawLabels(into grid: inout Grid, row: Rect) {
        let lowText = TextLayout.compact(lowerBound)
        let highText = TextLayout.compact(upperBound)
        var occupied: [Range<Int>] = [0 ..< lowText.count + 1, row.width - highText.count - 1 ..< row.width]
        grid.write(lowText, x: row.x, y: row.y, role: .dim, clip: row)
        grid.write(highText, x: row.maxX - highText.count, y: row.y, role: .dim, clip: row)
        for marker in markers where !marker.label.isEmpty {
            guard let column = column(of: marker.value, width: row.width) else { continue }
            let start = min(max(0, column - marker.label.count / 2), max(0, row.width - marker.label.count))
            let span = start ..< start + marker.label.count + 1
            guard !occupied.contains(where: { $0.overlaps(span) }) else { continue }
            occupied.append(span)
            grid.write(marker.label, x: row.x + start, y: row.y, role: .marker, clip: row)
        }
    }
}
