// swift-tools-version:6.1
// Sealgate: a secure SMTP relay for PHI. One target per concern; dependencies only point down
// the list in docs/architecture.md (MailCore at the bottom, the sealgate executable at the top).
import PackageDescription

// Swift 5 language mode for now: the NIO handlers are confined to their event loops and
// strict-concurrency checking of them costs more than it finds at this stage.
let settings: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "Sealgate",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(name: "MailCore", swiftSettings: settings),
        .testTarget(name: "MailCoreTests", dependencies: ["MailCore"], swiftSettings: settings),
    ]
)
