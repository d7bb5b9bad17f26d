import Foundation
import XCTest

/// The built `quantscope` executable and the repository it was built from.
enum BinaryRunner {
    /// The folder holding the test bundle and the executables built with it.
    static var productsDirectory: URL {
        Bundle.main.bundleURL
    }

    static var executable: URL {
        productsDirectory.appendingPathComponent("quantscope")
    }

    /// The repository root, found from this file's path.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    struct Output {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// Runs `quantscope arguments` in the repository root and waits for it.
    static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        try process.run()
        // Read both pipes before waiting, so a large output cannot fill a pipe and block the child.
        let outputData = outputPipe.fileHandleForReading.readDataToEndOfFile()
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      standardOutput: String(decoding: outputData, as: UTF8.self),
                      standardError: String(decoding: errorData, as: UTF8.self))
    }
}
