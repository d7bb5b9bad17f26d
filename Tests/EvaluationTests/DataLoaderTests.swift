import Evaluation
import QuantCore
import XCTest

final class DataLoaderTests: XCTestCase {
    override class func tearDown() {
        TestFiles.removeAll()
        super.tearDown()
    }

    /// Creates a folder with classes "a_dark" (2 PNGs) and "b_light" (1 JPEG, 1 PNG).
    private func makeImageFolder() throws -> String {
        let root = try TestFiles.makeFolder("images")
        let dark = (root as NSString).appendingPathComponent("a_dark")
        let light = (root as NSString).appendingPathComponent("b_light")
        try FileManager.default.createDirectory(atPath: dark, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: light, withIntermediateDirectories: true)
        let black = TestFiles.png(width: 8, height: 8, channels: 1, pixels: Array(repeating: 0, count: 64))
        try TestFiles.write(black, to: dark + "/1.png")
        try TestFiles.write(black, to: dark + "/2.PNG")
        try TestFiles.write(TestFiles.jpeg(width: 16, height: 8, channels: 3, pixels: Array(repeating: 255, count: 384)),
                            to: light + "/1.jpg")
        try TestFiles.write(TestFiles.png(width: 4, height: 4, channels: 3, pixels: Array(repeating: 255, count: 48)),
                            to: light + "/2.png")
        try TestFiles.write(Array("not an image".utf8), to: light + "/notes.txt")
        return root
    }

    func testImageFolderLabelsAndInterleavedOrder() throws {
        let data = try DataLoader.load(path: try makeImageFolder(), inputShape: [1, 4, 4], preprocessing: Preprocessing())
        XCTAssertEqual(data.images.shape, [4, 1, 4, 4])
        XCTAssertEqual(data.labels, [0, 1, 0, 1])
        XCTAssertEqual(data.classNames, ["a_dark", "b_light"])
        let values = try data.images.floats()
        XCTAssertEqual(values[0..<16].max(), 0)
        XCTAssertGreaterThan(values[16..<32].min() ?? 0, 0.97, "white JPEG resized to 4 x 4")
    }

    func testImageFolderLimitKeepsClassesBalanced() throws {
        let data = try DataLoader.load(path: try makeImageFolder(), inputShape: [3, 4, 4], preprocessing: Preprocessing(),
                                       limit: 2)
        XCTAssertEqual(data.labels, [0, 1])
        XCTAssertEqual(data.images.shape, [2, 3, 4, 4])
    }

    func testCorruptImageInFolderNamed() throws {
        let root = try makeImageFolder()
        let bad = root + "/b_light/3.jpg"
        try TestFiles.write([0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3], to: bad)
        let error = assertThrowsDataError {
            try DataLoader.load(path: root, inputShape: [1, 4, 4], preprocessing: Preprocessing())
        }
        guard case .corrupted(let path, _, _) = error else { return XCTFail("wrong error \(String(describing: error))") }
        XCTAssertEqual(path, bad)
    }

    func testEmptyFolderRejected() throws {
        let root = try TestFiles.makeFolder("empty")
        XCTAssertEqual(assertThrowsDataError {
            try DataLoader.load(path: root, inputShape: [1, 4, 4], preprocessing: Preprocessing())
        }, .emptyDataSet(path: root))
    }

    func testNPZDefaultNamesAndMemberSelection() throws {
        let images = TestFiles.npy(header: TestFiles.npyHeader(descr: "|u1", shape: [2, 2, 2]), data: [0, 255, 0, 255, 255, 255, 0, 0])
        let other = TestFiles.npy(header: TestFiles.npyHeader(descr: "|u1", shape: [1, 2, 2]), data: [255, 255, 255, 255])
        let labels = TestFiles.npy(header: TestFiles.npyHeader(descr: "<i8", shape: [2]), data: TestFiles.int64Bytes([7, 2]))
        let path = try TestFiles.file("set.npz", TestFiles.zip([("x_test.npy", images), ("extra.npy", other),
                                                                ("y_test.npy", labels)], deflated: true))
        let data = try DataLoader.load(path: path, inputShape: [1, 2, 2], preprocessing: Preprocessing())
        XCTAssertEqual(data.images.shape, [2, 1, 2, 2])
        XCTAssertEqual(data.labels, [7, 2])
        XCTAssertEqual(data.labelSource, path + "#y_test")

        let chosen = try DataLoader.load(path: path + "#extra", labelsPath: nil, inputShape: [1, 2, 2],
                                         preprocessing: Preprocessing())
        XCTAssertEqual(try chosen.images.floats(), [1, 1, 1, 1])
        XCTAssertNil(chosen.labels, "y_test has 2 labels, the chosen array 1 image")

        let missing = assertThrowsDataError {
            try DataLoader.load(path: path + "#missing", inputShape: [1, 2, 2], preprocessing: Preprocessing())
        }
        XCTAssertEqual(missing, .arrayNotFound(path: path, name: "missing", available: ["x_test", "extra", "y_test"]))
    }

    func testLabelsFromNPYAndCountMismatch() throws {
        let imagesPath = try TestFiles.file("images.idx", TestFiles.idx(shape: [3, 1, 1], values: [1, 2, 3]))
        let labels = TestFiles.npy(header: TestFiles.npyHeader(descr: "<f4", shape: [3, 1]), data: TestFiles.floatBytes([2, 0, 1]))
        let labelsPath = try TestFiles.file("labels.npy", labels)
        let data = try DataLoader.load(path: imagesPath, labelsPath: labelsPath, inputShape: [1, 1, 1],
                                       preprocessing: Preprocessing(), limit: 2)
        XCTAssertEqual(data.labels, [2, 0])
        XCTAssertEqual(data.count, 2)

        let shortLabels = try TestFiles.file("short.idx", TestFiles.idx(shape: [2], values: [1, 1]))
        XCTAssertEqual(assertThrowsDataError {
            try DataLoader.load(path: imagesPath, labelsPath: shortLabels, inputShape: [1, 1, 1], preprocessing: Preprocessing())
        }, .labelCountMismatch(imagesPath: imagesPath, images: 3, labelsPath: shortLabels, labels: 2))

        let fractional = try TestFiles.file("bad.npy", TestFiles.npy(header: TestFiles.npyHeader(descr: "<f4", shape: [3]),
                                                                     data: TestFiles.floatBytes([1, 0.5, 2])))
        XCTAssertEqual(assertThrowsDataError { try DataLoader.readLabels(path: fractional) },
                       .invalidLabel(path: fractional, index: 1, value: "0.5"))
    }

    func testSingleImageFileUnlabelled() throws {
        let path = try TestFiles.file("one.png", TestFiles.png(width: 2, height: 2, channels: 1, pixels: [0, 255, 255, 0]))
        let data = try DataLoader.load(path: path, inputShape: [1, 2, 2], preprocessing: Preprocessing())
        XCTAssertEqual(data.images.shape, [1, 1, 2, 2])
        XCTAssertEqual(try data.images.floats(), [0, 1, 1, 0])
        XCTAssertNil(data.labels)
    }

    func testNonFinitePixelsRejected() throws {
        for (name, bad) in [("nan.npy", Float.nan), ("inf.npy", Float.infinity)] {
            let bytes = TestFiles.npy(header: TestFiles.npyHeader(descr: "<f4", shape: [2, 1, 2, 2]),
                                      data: TestFiles.floatBytes([0, 1, 0, 1, 0, 0, bad, 0]))
            let path = try TestFiles.file(name, bytes)
            let error = assertThrowsDataError {
                try DataLoader.load(path: path, inputShape: [1, 2, 2], preprocessing: Preprocessing())
            }
            guard case .nonFiniteValue(let errorPath, let image, let element, let value)? = error else {
                XCTFail("wrong error \(String(describing: error))")
                continue
            }
            XCTAssertEqual(errorPath, path)
            XCTAssertEqual(image, 1)
            XCTAssertEqual(element, 2)
            XCTAssertFalse(value.isFinite)
        }
    }

    func testUnknownFormatRejected() throws {
        let path = try TestFiles.file("data.csv", Array("1,2,3\n".utf8))
        let error = assertThrowsDataError { try DataLoader.load(path: path, inputShape: [1, 1, 1], preprocessing: Preprocessing()) }
        guard case .unsupportedFormat = error else { return XCTFail("wrong error \(String(describing: error))") }
    }

    func testBadInputShapeRejected() throws {
        let path = try TestFiles.file("images.idx", TestFiles.idx(shape: [1, 1, 1], values: [1]))
        XCTAssertNotNil(assertThrowsDataError { try DataLoader.load(path: path, inputShape: [784], preprocessing: Preprocessing()) })
        XCTAssertNotNil(assertThrowsDataError { try DataLoader.load(path: path, inputShape: [2, 1, 1], preprocessing: Preprocessing()) })
    }

    func testDataDefaultsResolveAgainstModelFolder() {
        let model = Model(graph: Graph(), metadataProps: [
            ("quantscope.data", "data/fashion-mnist/t10k-images-idx3-ubyte.gz"),
            ("quantscope.labels", "/abs/labels.idx"),
            ("quantscope.calibration_data", "calibration.npz#x"),
            ("quantscope.class_names", "T-shirt/top, Trouser,Bag"),
        ])
        let defaults = DataDefaults(model: model, modelPath: "/models/sample/mlp.onnx")
        XCTAssertEqual(defaults.data, "/models/sample/data/fashion-mnist/t10k-images-idx3-ubyte.gz")
        XCTAssertEqual(defaults.labels, "/abs/labels.idx")
        XCTAssertEqual(defaults.calibrationData, "/models/sample/calibration.npz#x")
        XCTAssertNil(defaults.calibrationLabels)
        XCTAssertEqual(defaults.classNames, ["T-shirt/top", "Trouser", "Bag"])
        XCTAssertEqual(DataDefaults.resolve("d.idx", relativeTo: "model.onnx"), "d.idx")
    }
}
