import Evaluation
import QuantCore
import XCTest

/// Checks the Fashion-MNIST files shipped in SampleModels/data/fashion-mnist.
final class FashionMNISTTests: XCTestCase {
    override class func tearDown() {
        TestFiles.removeAll()
        super.tearDown()
    }

    private let folder = TestFiles.fashionMNISTFolder

    func testTestSetImagesAndLabelHistogram() throws {
        let images = try IDXReader.read(path: folder + "/t10k-images-idx3-ubyte.gz")
        XCTAssertEqual(images.shape, [10_000, 28, 28])
        let labels = try DataLoader.readLabels(path: folder + "/t10k-labels-idx1-ubyte.gz")
        XCTAssertEqual(labels.count, 10_000)
        var histogram = [Int](repeating: 0, count: 10)
        for label in labels { histogram[label] += 1 }
        XCTAssertEqual(histogram, Array(repeating: 1_000, count: 10))
    }

    func testCalibrationSliceIsTwoThousandTrainingImages() throws {
        let images = try IDXReader.read(path: folder + "/calibration-images-idx3-ubyte.gz")
        XCTAssertEqual(images.shape, [2_000, 28, 28])
        let labels = try DataLoader.readLabels(path: folder + "/calibration-labels-idx1-ubyte.gz")
        XCTAssertEqual(labels.count, 2_000)
        XCTAssertEqual(Set(labels), Set(0..<10))
    }

    func testLoaderPreparesTestSet() throws {
        let data = try DataLoader.load(path: folder + "/t10k-images-idx3-ubyte.gz",
                                       labelsPath: folder + "/t10k-labels-idx1-ubyte.gz",
                                       inputShape: [1, 28, 28], preprocessing: Preprocessing())
        XCTAssertEqual(data.images.shape, [10_000, 1, 28, 28])
        XCTAssertEqual(data.labels?.count, 10_000)
        let values = try data.images.floats()
        XCTAssertEqual(values.min(), 0)
        XCTAssertEqual(values.max(), 1)
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        // Python's gzip module, reading the same file, gives a mean of 0.28685.
        XCTAssertEqual(mean, 0.28685, accuracy: 1e-4)
        XCTAssertEqual(data.batch(2..<5).shape, [3, 1, 28, 28])
    }

    func testTruncatedCopyRejected() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/t10k-labels-idx1-ubyte.gz")))
        let path = try TestFiles.file("labels.gz", Array(bytes.prefix(bytes.count - 100)))
        XCTAssertNotNil(assertThrowsDataError { try DataLoader.readLabels(path: path) })
    }
}
