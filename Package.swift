// swift-tools-version: 6.0
import PackageDescription

// The numeric libraries are built with -O even in debug builds, because the
// float and integer engines run whole data sets inside `swift test`.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "quantscope",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "quantscope", targets: ["quantscope"]),
    ],
    targets: [
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses",
                       providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG",
                       providers: [.apt(["libjpeg-dev"])]),

        .target(name: "QuantCore", dependencies: ["CKernels"], swiftSettings: optimizedInDebug),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"], .when(configuration: .debug))]),
        .target(name: "Quantization", dependencies: ["QuantCore", "CKernels"], swiftSettings: optimizedInDebug),
        .target(name: "Evaluation",
                dependencies: ["QuantCore", "Quantization", "CZlib", "CPNG", "CJPEG"],
                swiftSettings: optimizedInDebug),
        .target(name: "Explorer", dependencies: ["QuantCore", "Quantization", "Evaluation"]),
        .executableTarget(name: "quantscope",
                          dependencies: ["QuantCore", "Quantization", "Evaluation", "Explorer", "CNCurses"]),

        .testTarget(name: "QuantCoreTests", dependencies: ["QuantCore"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "QuantizationTests", dependencies: ["Quantization", "QuantCore"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "QuantCore", "Quantization"]),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "Evaluation", "QuantCore", "Quantization"]),
        .testTarget(name: "EndToEndTests", dependencies: ["quantscope"]),
    ],
    swiftLanguageModes: [.v6]
)
