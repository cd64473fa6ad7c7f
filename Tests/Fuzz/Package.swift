// swift-tools-version:5.4
// Sealgate's libFuzzer targets: a package of its own (the main build never sees it) over the main
// package's library products; scripts/fuzz builds it with -sanitize=fuzzer,address and runs it.
import PackageDescription

// libFuzzer supplies main(): the targets are libraries in Swift's eyes. Tools version 5.4 on
// purpose: from 5.5 SwiftPM renames an executable's entry point to MODULE_main and links main to
// it, which a target without a main of its own cannot satisfy.
let settings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

// Each fuzzer: its product (the name scripts/fuzz and the corpus directory use), its target (under
// Sources/PRODUCT) and the library of the main package whose entry logic it runs.
let fuzzers: [(product: String, target: String, library: String)] = [
    ("smtp-server", "FuzzSMTPServer", "SMTPProtocol"), ("smtp-reply", "FuzzSMTPReply", "SMTPProtocol"),
    ("mime", "FuzzMIME", "MIME"), ("policy", "FuzzPolicy", "Policy"), ("config", "FuzzConfig", "Gateway"),
    ("mta-sts", "FuzzMTASTS", "TLSPolicy"), ("dns-answer", "FuzzDNSAnswer", "DNS"),
    ("smime-input", "FuzzSMIMEInput", "MessageCrypto"), ("pgp-input", "FuzzPGPInput", "MessageCrypto"),
]

let package = Package(
    name: "SealgateFuzz",
    products: fuzzers.map { .executable(name: $0.product, targets: [$0.target]) },
    dependencies: [.package(name: "Sealgate", path: "../..")],
    targets: fuzzers.map {
        .executableTarget(name: $0.target, dependencies: [.product(name: $0.library, package: "Sealgate")],
                          path: "Sources/\($0.product)", swiftSettings: settings)
    }
)
