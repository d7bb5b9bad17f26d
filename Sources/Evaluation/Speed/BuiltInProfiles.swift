// Figures of the built-in target profiles. Each profile states its peak
// instruction throughput, the fraction of it assumed to be sustained, and
// which of those numbers were fitted to measured latencies.

extension TargetProfile {
    /// Snapdragon 835 "big" core: Kryo 280 performance core, derived from
    /// Cortex-A73, at 2.45 GHz, ARMv8.0 NEON without dot-product
    /// instructions.
    ///
    /// - float32: one 128-bit FMLA per cycle is 4 MACs/cycle peak.
    /// - int8: the gemmlowp-style inner loop (SMULL, SMLAL into int16 lanes,
    ///   then SADALP into int32) performs 16 MACs per 3 NEON instructions,
    ///   about 5.3 MACs/cycle at one NEON instruction per cycle.
    /// - Fitted: the sustained fractions (float 40 %, int8 70 %) were chosen
    ///   so that simulated MobileNet SSD latencies match the face detection
    ///   latencies measured by Jacob et al. 2018 (arXiv:1712.05877,
    ///   Table 4.6). The float fraction is lower because their float
    ///   baseline ran TensorFlow's general-purpose kernels, the int8 one
    ///   gemmlowp's hand-written NEON kernels.
    /// - Memory: 29.9 GB/s LPDDR4X peak for the chip; one core is assumed to
    ///   stream 12 GB/s (an estimate, not a measurement).
    /// - Overhead per operator: 290 microseconds, fitted like the fractions.
    ///   It is large for a bare dispatch because it also absorbs per-layer
    ///   costs that do not scale with MACs (packing, im2col buffers).
    public static let snapdragon835Big = try! TargetProfile(
        identifier: "sd835-big", name: "Snapdragon 835 big core (Kryo 280 / Cortex-A73 class, 2.45 GHz)",
        source: "NEON peaks 4 fp32 and 5.3 int8 MACs/cycle; sustained fractions and overhead fitted to "
            + "Jacob et al. 2018 (arXiv:1712.05877) Table 4.6; bandwidth estimated",
        clockHertz: 2.45e9,
        floatMACsPerSecond: 2.45e9 * 4 * 0.40,
        int8MACsPerSecond: 2.45e9 * (16.0 / 3.0) * 0.70,
        depthwiseEfficiency: 0.5,
        elementwiseOperationsPerSecond: 2.45e9 * 4 * 0.5,
        memoryBandwidthBytesPerSecond: 12e9,
        operatorOverheadSeconds: 290e-6)

    /// Snapdragon 835 "LITTLE" core: Kryo 280 efficiency core, derived from
    /// Cortex-A53, at 1.9 GHz, in-order with a 64-bit NEON datapath.
    ///
    /// - float32: a 128-bit FMLA issues every 2 cycles, 2 MACs/cycle peak.
    /// - int8: the same SMULL/SMLAL/SADALP loop at one instruction per
    ///   2 cycles, about 2.7 MACs/cycle.
    /// - Fitted: sustained fractions (float 50 %, int8 75 %) and the
    ///   per-operator overhead (750 microseconds), as for `snapdragon835Big`.
    /// - Memory: one A53 core is assumed to stream 5 GB/s (an estimate).
    public static let snapdragon835Little = try! TargetProfile(
        identifier: "sd835-little", name: "Snapdragon 835 LITTLE core (Kryo 280 / Cortex-A53 class, 1.9 GHz)",
        source: "NEON peaks 2 fp32 and 2.7 int8 MACs/cycle; sustained fractions and overhead fitted to "
            + "Jacob et al. 2018 (arXiv:1712.05877) Table 4.6; bandwidth estimated",
        clockHertz: 1.9e9,
        floatMACsPerSecond: 1.9e9 * 2 * 0.50,
        int8MACsPerSecond: 1.9e9 * (8.0 / 3.0) * 0.75,
        depthwiseEfficiency: 0.5,
        elementwiseOperationsPerSecond: 1.9e9 * 2 * 0.5,
        memoryBandwidthBytesPerSecond: 5e9,
        operatorOverheadSeconds: 750e-6)

    /// Cortex-M7 microcontroller at 480 MHz (STM32H7 class), single-precision
    /// FPU and the DSP extension.
    ///
    /// - float32: one VFMA.F32 per cycle peak, 50 % sustained because each
    ///   MAC needs two operand loads.
    /// - int8: SMLAD performs 2 16-bit MACs per cycle; int8 operands are
    ///   widened with SXTB16 first, so 50 % of that is assumed, 1 MAC/cycle.
    /// - Memory: 64-bit AXI SRAM at 240 MHz, 1.92 GB/s.
    /// - Overhead per operator: 5 microseconds, an estimate for an
    ///   interpreter on a microcontroller.
    /// None of these figures is fitted or measured.
    public static let cortexM7 = try! TargetProfile(
        identifier: "cortex-m7", name: "Cortex-M7 microcontroller (480 MHz, FPU and SIMD SMLAD)",
        source: "peaks of 1 fp32 FMA and 2 int16 MACs (SMLAD) per cycle at 50 % sustained; "
            + "64-bit AXI SRAM at 240 MHz; overhead estimated",
        clockHertz: 480e6,
        floatMACsPerSecond: 480e6 * 1 * 0.5,
        int8MACsPerSecond: 480e6 * 2 * 0.5,
        depthwiseEfficiency: 0.5,
        elementwiseOperationsPerSecond: 480e6 * 0.5,
        memoryBandwidthBytesPerSecond: 1.92e9,
        operatorOverheadSeconds: 5e-6)

    /// The fixed profiles, in the order a menu lists them. The measured
    /// profile of this machine comes from `MachineProfile.load`.
    public static let builtIn: [TargetProfile] = [snapdragon835Big, snapdragon835Little, cortexM7]
}
