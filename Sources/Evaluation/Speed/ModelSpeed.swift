import QuantCore
import Quantization

/// The speed model applied to a prepared model: geometry at one batch size,
/// then `SpeedModel.simulate` for a plan given by layer name.
public enum ModelSpeed {
    /// Simulates `prepared` at batch size `batch` on `profile`, with the
    /// layers named in `precisions` at their precision and every other layer
    /// in float. An empty `precisions` gives the float figures.
    public static func report(for prepared: PreparedModel, batch: Int = 1,
                              precisions: [String: SimulatedPrecision] = [:],
                              on profile: TargetProfile) throws(ModelGeometryError) -> SpeedReport {
        let network = try ModelGeometry.network(of: prepared, batch: batch)
        do {
            return try SpeedModel.simulate(network, precisionsByName: precisions, on: profile)
        } catch {
            throw .geometry(error)
        }
    }
}
