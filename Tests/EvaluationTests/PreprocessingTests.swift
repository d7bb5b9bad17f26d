@testable import Evaluation
import QuantCore
import XCTest

final class PreprocessingTests: XCTestCase {
    override class func tearDown() {
        TestFiles.removeAll()
        super.tearDown()
    }

    private func load(_ array: [UInt8], shape: [Int], inputShape: [Int],
                      preprocessing: Preprocessing = Preprocessing()) throws -> LabeledImages {
        let path = try TestFiles.file("images.idx", TestFiles.idx(shape: shape, values: array))
        return try DataLoader.load(path: path, inputShape: inputShape, preprocessing: preprocessing)
    }

    func testUint8DefaultsToDivisionBy255() throws {
        let data = try load([0, 51, 255, 102], shape: [1, 2, 2], inputShape: [1, 2, 2])
        XCTAssertEqual(data.images.shape, [1, 1, 2, 2])
        let values = try data.images.floats()
        for (value, raw) in zip(values, [0, 51, 255, 102] as [Float]) {
            XCTAssertEqual(value, raw / 255, accuracy: 1e-6)
        }
    }

    func testScaleMeanStdFormula() throws {
        let preprocessing = Preprocessing(scale: 0.5, mean: [10], std: [4])
        let data = try load([0, 20, 40, 100], shape: [1, 2, 2], inputShape: [1, 2, 2], preprocessing: preprocessing)
        // x = (raw * 0.5 - 10) / 4
        XCTAssertEqual(try data.images.floats(), [-2.5, 0, 2.5, 10])
    }

    func testPerChannelMeanStdOnRGB() throws {
        // One NHWC RGB pixel per image: [N=1, H=1, W=1, C=3].
        let values: [Float] = [0.5, 0.25, 1]
        let header = TestFiles.npyHeader(descr: "<f4", shape: [1, 1, 1, 3])
        let path = try TestFiles.file("rgb.npy", TestFiles.npy(header: header, data: TestFiles.floatBytes(values)))
        let preprocessing = Preprocessing(mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 2], layout: .nhwc)
        let data = try DataLoader.load(path: path, inputShape: [3, 1, 1], preprocessing: preprocessing)
        // Float data is not scaled: x = (raw - mean[c]) / std[c].
        XCTAssertEqual(try data.images.floats(), [0, -1, 0.25])
    }

    func testWrongMeanCountRejected() throws {
        let preprocessing = Preprocessing(mean: [0.1, 0.2])
        let error = assertThrowsDataError {
            try self.load([1, 2, 3, 4], shape: [1, 2, 2], inputShape: [1, 2, 2], preprocessing: preprocessing)
        }
        guard case .invalidValue = error else { return XCTFail("wrong error \(String(describing: error))") }
    }

    func testGrayArrayForRGBModelRejected() {
        XCTAssertThrowsError(try load([255, 0, 0, 255], shape: [1, 2, 2], inputShape: [3, 2, 2])) { error in
            guard case DataError.shapeMismatch(_, _, let expected, let actual) = error else {
                return XCTFail("wrong error \(error)")
            }
            XCTAssertEqual(expected, [1, 3, 2, 2])
            XCTAssertEqual(actual, [1, 2, 2])
        }
    }

    func testGrayImageReplicatedToRGB() throws {
        let geometry = try InputGeometry(shape: [3, 2, 2], source: "test")
        var resampling: Resampling?
        var output: [Float] = []
        try geometry.appendImage(planes: [255, 0, 0, 255], sourceChannels: 1, sourceHeight: 2, sourceWidth: 2,
                                 affine: Array(repeating: (multiplier: 1 / 255, offset: 0), count: 3),
                                 path: "test", element: "image", resampling: &resampling, to: &output)
        XCTAssertEqual(output, [1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1])
    }

    func testNCHWAndNHWCGiveSameResult() throws {
        // Two 2 x 2 RGB images; channel c of pixel p is 10 * c + p.
        var nchw: [Float] = []
        var nhwc: [Float] = []
        for image in 0..<2 {
            for channel in 0..<3 { for pixel in 0..<4 { nchw.append(Float(100 * image + 10 * channel + pixel)) } }
            for pixel in 0..<4 { for channel in 0..<3 { nhwc.append(Float(100 * image + 10 * channel + pixel)) } }
        }
        let first = try TestFiles.file("nchw.npy", TestFiles.npy(header: TestFiles.npyHeader(descr: "<f4", shape: [2, 3, 2, 2]),
                                                                 data: TestFiles.floatBytes(nchw)))
        let second = try TestFiles.file("nhwc.npy", TestFiles.npy(header: TestFiles.npyHeader(descr: "<f4", shape: [2, 2, 2, 3]),
                                                                  data: TestFiles.floatBytes(nhwc)))
        let fromNCHW = try DataLoader.load(path: first, inputShape: [3, 2, 2], preprocessing: Preprocessing())
        let fromNHWC = try DataLoader.load(path: second, inputShape: [3, 2, 2], preprocessing: Preprocessing())
        XCTAssertEqual(try fromNCHW.images.floats(), nchw)
        XCTAssertEqual(try fromNHWC.images.floats(), nchw)
    }

    func testAmbiguousLayoutNeedsFlag() throws {
        let header = TestFiles.npyHeader(descr: "|u1", shape: [1, 5, 5, 5])
        let path = try TestFiles.file("cube.npy", TestFiles.npy(header: header, data: Array(repeating: 1, count: 125)))
        let error = assertThrowsDataError {
            try DataLoader.load(path: path, inputShape: [1, 5, 5], preprocessing: Preprocessing())
        }
        XCTAssertTrue(error?.description.contains("--input-layout") ?? false, String(describing: error))
    }

    func testFlattenedRowsReshaped() throws {
        let header = TestFiles.npyHeader(descr: "|u1", shape: [2, 4])
        let path = try TestFiles.file("flat.npy", TestFiles.npy(header: header, data: [0, 255, 0, 255, 255, 0, 255, 0]))
        let data = try DataLoader.load(path: path, inputShape: [1, 2, 2], preprocessing: Preprocessing())
        XCTAssertEqual(data.images.shape, [2, 1, 2, 2])
        XCTAssertEqual(try data.images.floats(), [0, 1, 0, 1, 1, 0, 1, 0])
    }

    func testMetadataAndOverrides() throws {
        let model = Model(graph: Graph(), metadataProps: [
            ("quantscope.input_scale", "0.00392156862745098"),
            ("quantscope.input_mean", "0.2860"),
            ("quantscope.input_std", "0.3530"),
            ("quantscope.input_layout", "nhwc"),
        ])
        let fromModel = try Preprocessing(model: model)
        XCTAssertEqual(fromModel.scale ?? 0, 1 / 255, accuracy: 1e-9)
        XCTAssertEqual(fromModel.mean, [0.2860])
        XCTAssertEqual(fromModel.std, [0.3530])
        XCTAssertEqual(fromModel.layout, .nhwc)

        let overrides = try PreprocessingOverrides(scale: nil, mean: "0.5, 0.4, 0.3", std: nil, layout: "NCHW")
        let combined = fromModel.applying(overrides)
        XCTAssertEqual(combined.mean, [0.5, 0.4, 0.3])
        XCTAssertEqual(combined.std, [0.3530])
        XCTAssertEqual(combined.layout, .nchw)
        XCTAssertEqual(combined.scale, fromModel.scale)
    }

    func testInvalidTextValuesRejected() {
        let metadataError = assertThrowsDataError {
            try Preprocessing(model: Model(graph: Graph(), metadataProps: [("quantscope.input_std", "0.3,0")]))
        }
        guard case .invalidValue(let source, let value, _) = metadataError else {
            return XCTFail("wrong error \(String(describing: metadataError))")
        }
        XCTAssertEqual(source, "quantscope.input_std")
        XCTAssertEqual(value, "0.3,0")
        XCTAssertNotNil(assertThrowsDataError { try PreprocessingOverrides(scale: "-1", mean: nil, std: nil, layout: nil) })
        XCTAssertNotNil(assertThrowsDataError { try PreprocessingOverrides(scale: nil, mean: "a,b", std: nil, layout: nil) })
        XCTAssertNotNil(assertThrowsDataError { try PreprocessingOverrides(scale: nil, mean: nil, std: nil, layout: "CHW") })
    }
}

final class ResizeTests: XCTestCase {
    override class func tearDown() {
        TestFiles.removeAll()
        super.tearDown()
    }

    /// Resizes one single-channel image the way image files are resized.
    private func resize(_ values: [UInt8], height: Int, width: Int, to inputShape: [Int]) throws -> [Float] {
        let geometry = try InputGeometry(shape: inputShape, source: "test")
        var resampling: Resampling?
        var output: [Float] = []
        try geometry.appendImage(planes: values.map(Float.init), sourceChannels: 1, sourceHeight: height,
                                 sourceWidth: width, affine: [(multiplier: 1, offset: 0)], path: "test",
                                 element: "image", resampling: &resampling, to: &output)
        return output
    }

    func testAreaDownscaleAveragesBlocks() throws {
        // 4 x 4 with distinct 2 x 2 blocks -> 2 x 2 block means.
        let values: [UInt8] = [0, 2, 10, 10,
                               4, 6, 10, 10,
                               100, 100, 50, 52,
                               100, 100, 54, 56]
        XCTAssertEqual(try resize(values, height: 4, width: 4, to: [1, 2, 2]), [3, 10, 100, 53])
    }

    func testDownscaleKeepsAspectAndCropsCentre() throws {
        // 2 x 4 (H x W) to 1 x 1: scale 1/2 covers 1 x 2, the centre column pair is columns 1 and 2.
        let values: [UInt8] = [0, 10, 30, 200,
                               0, 20, 40, 200]
        XCTAssertEqual(try resize(values, height: 2, width: 4, to: [1, 1, 1]), [25])
    }

    func testBilinearUpscale() throws {
        // 1 x 2 to 1 x 4 is scale 2 horizontally; the height also doubles, then
        // the centre row is cropped. Sample centres map to -0.25, 0.25, 0.75, 1.25.
        let values = try resize([0, 100], height: 1, width: 2, to: [1, 1, 4])
        XCTAssertEqual(values, [0, 25, 75, 100])
    }

    func testSameSizeIsIdentity() throws {
        let values: [UInt8] = [1, 2, 3, 4, 5, 6]
        XCTAssertEqual(try resize(values, height: 2, width: 3, to: [1, 2, 3]), [1, 2, 3, 4, 5, 6])
    }
}
