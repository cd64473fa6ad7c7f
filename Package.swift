// swift-tools-version:6.1
// Sealgate: a secure SMTP relay for PHI. One target per concern; dependencies only point down
// the list in docs/architecture.md (MailCore at the bottom, the sealgate executable at the top).
import PackageDescription

// Swift 5 language mode for now: the NIO handlers are confined to their event loops and
// strict-concurrency checking of them costs more than it finds at this stage.
let settings: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let cryptoExtras = Target.Dependency.product(name: "_CryptoExtras", package: "swift-crypto")
let x509 = Target.Dependency.product(name: "X509", package: "swift-certificates")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let concurrency = Target.Dependency.product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let nioTLS = Target.Dependency.product(name: "NIOTLS", package: "swift-nio")
let asn1 = Target.Dependency.product(name: "SwiftASN1", package: "swift-asn1")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTLS = Target.Dependency.product(name: "HummingbirdTLS", package: "hummingbird")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")
let mustache = Target.Dependency.product(name: "Mustache", package: "swift-mustache")
let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
let postgres = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")

let package = Package(
    name: "Sealgate",
    platforms: [.macOS(.v14)],
    // The libraries are for the fuzz package (Tests/Fuzz), which depends on this one by path.
    products: [.executable(name: "sealgate", targets: ["sealgate"])]
        + ["SMTPProtocol", "MIME", "Policy", "DNS", "TLSPolicy", "MessageCrypto", "Gateway"].map {
            .library(name: $0, targets: [$0])
        },
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
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "SafeIO", swiftSettings: settings),
        .testTarget(name: "SafeIOTests", dependencies: ["SafeIO"], swiftSettings: settings),

        .target(name: "MailCore", swiftSettings: settings),
        .testTarget(name: "MailCoreTests", dependencies: ["MailCore"], swiftSettings: settings),

        .target(name: "YAMLSyntax", dependencies: ["MailCore", "Yams"], swiftSettings: settings),
        .testTarget(name: "YAMLSyntaxTests", dependencies: ["YAMLSyntax", "Yams"], swiftSettings: settings),
        // Test-only helpers (TestClock): linked by test targets only, never by the sealgate executable.
        .target(name: "TestSupport", dependencies: ["MailCore", nioSSL], swiftSettings: settings),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport", nioSSL], swiftSettings: settings),

        .target(name: "SMTPProtocol", dependencies: ["MailCore", nioCore], swiftSettings: settings),
        .testTarget(name: "SMTPProtocolTests", dependencies: ["SMTPProtocol", "MailCore", nioCore], swiftSettings: settings),

        .target(name: "TLSObserver", dependencies: [nioCore], swiftSettings: settings),
        .testTarget(name: "TLSObserverTests", dependencies: ["TLSObserver", nioCore], swiftSettings: settings),

        .target(name: "MIME", dependencies: ["MailCore"], swiftSettings: settings),
        .testTarget(name: "MIMETests", dependencies: ["MIME", "MailCore", "TestSupport"], swiftSettings: settings),

        .target(name: "DKIM", dependencies: ["MailCore", "SafeIO", crypto, cryptoExtras], swiftSettings: settings),
        // The tests run dkimpy through verify_dkim.py, found beside them by #filePath.
        .testTarget(name: "DKIMTests", dependencies: ["DKIM", "MailCore", "TestSupport"], exclude: ["verify_dkim.py"], swiftSettings: settings),

        .target(name: "PHIScanner", dependencies: ["MailCore", "MIME"], resources: [.copy("Resources")],
                swiftSettings: settings),
        .testTarget(name: "PHIScannerTests", dependencies: ["PHIScanner", "MailCore", "TestSupport"], resources: [.copy("Corpus")],
                    swiftSettings: settings),

        .target(name: "Policy", dependencies: ["MailCore", "YAMLSyntax", "Yams"], swiftSettings: settings),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "MailCore", "TestSupport"], swiftSettings: settings),

        .systemLibrary(name: "CLDNS", pkgConfig: "ldns", providers: [.apt(["libldns-dev"])]),
        .target(name: "DNS", dependencies: ["MailCore", "CLDNS", nioPosix, concurrency, logging],
                swiftSettings: settings),
        .testTarget(name: "DNSTests", dependencies: ["DNS", "MailCore", "TestSupport", nioPosix, concurrency, logging], swiftSettings: settings),

        .target(name: "TLSPolicy", dependencies: ["MailCore", "DNS", "SafeIO", x509, asn1, crypto, httpClient, nioCore,
                                                  nioPosix, nioSSL, concurrency, logging], swiftSettings: settings),
        .testTarget(name: "TLSPolicyTests", dependencies: ["TLSPolicy", "MailCore", "DNS", "TestSupport", x509, asn1, crypto,
                                                          nioCore, nioPosix, nioSSL, concurrency, logging], swiftSettings: settings),

        .target(name: "Queue", dependencies: ["MailCore", "SafeIO", crypto], swiftSettings: settings),
        .testTarget(name: "QueueTests", dependencies: ["Queue", "MailCore"], swiftSettings: settings),

        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        .target(name: "Audit", dependencies: ["MailCore", "SafeIO", crypto, grdb, postgres, logging, nioCore, nioSSL],
                swiftSettings: settings),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "MailCore", "TestSupport", crypto, grdb, logging, nioPosix], swiftSettings: settings),

        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "TLSReporting", dependencies: ["Audit", "MailCore", "MIME", "CZlib"], swiftSettings: settings),
        .testTarget(name: "TLSReportingTests", dependencies: ["TLSReporting", "Audit", "MailCore", "MIME"], swiftSettings: settings),

        // State several nodes share on PostgreSQL (`shared_store`): TLS observations, MTA-STS cache, AUTH users.
        .target(name: "SharedStore", dependencies: ["MailCore", "TLSPolicy", "Audit", postgres, logging, nioCore],
                swiftSettings: settings),
        .testTarget(name: "SharedStoreTests", dependencies: ["SharedStore", "TLSPolicy", "Audit", "MailCore", "TestSupport",
                                                            logging, nioPosix], swiftSettings: settings),

        .target(name: "SMTPServer", dependencies: ["MailCore", "SMTPProtocol", "TLSObserver",
                                                   nioCore, nioPosix, nioSSL, nioTLS, logging, concurrency],
                swiftSettings: settings),
        .testTarget(name: "SMTPServerTests", dependencies: ["SMTPServer", "MailCore", "SMTPProtocol", "TLSObserver", "TestSupport",
                                                           nioCore, nioSSL, logging, concurrency,
                                                           .product(name: "NIOEmbedded", package: "swift-nio")],
                    swiftSettings: settings),

        .systemLibrary(name: "CRNP", pkgConfig: "librnp", providers: [.apt(["librnp-dev"])]),
        .target(name: "MessageCrypto", dependencies: ["MailCore", "MIME", "SafeIO", "COpenSSL", "CRNP", x509, asn1, crypto,
                                                      cryptoExtras], swiftSettings: settings),
        .testTarget(name: "MessageCryptoTests", dependencies: ["MessageCrypto", "MIME", "MailCore", "TestSupport"], swiftSettings: settings),

        .target(name: "Delivery", dependencies: ["MailCore", "SMTPProtocol", "TLSObserver", "MIME", "DNS", "TLSPolicy", "Queue",
                                                 "Audit", x509, nioCore, nioPosix, nioSSL, nioTLS, logging], swiftSettings: settings),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery", "MailCore", "MIME", "DNS", "TLSPolicy", "Queue", "Audit",
                                                         "TestSupport", nioCore, nioPosix, nioSSL, logging,
                                                         .product(name: "NIOEmbedded", package: "swift-nio")], swiftSettings: settings),

        // The secure pickup portal (issue 11): its message store and key scheme, the pickup, the web
        // server (Hummingbird over TLS) and the pages and mail rendered from its templates.
        .target(name: "Portal", dependencies: ["MailCore", "SafeIO", "MIME", "Audit", crypto, cryptoExtras, hummingbird, postgres,
                                               hummingbirdTLS, mustache, httpTypes, nioCore, nioPosix, nioSSL, logging,
                                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                resources: [.copy("Templates")], swiftSettings: settings),
        .testTarget(name: "PortalTests", dependencies: ["Portal", "MailCore", "SafeIO", "MIME", "Audit", "TestSupport", hummingbird,
                                                       hummingbirdTesting, httpTypes, nioCore, nioPosix, nioSSL, concurrency, logging,
                                                       postgres],
                    swiftSettings: settings),

        // Delivery-status webhooks (issue 12 item 7): the durable outbox per endpoint and its signed HTTPS sender.
        .target(name: "Webhooks", dependencies: ["MailCore", "SafeIO", "Audit", crypto, httpClient, nioCore, nioSSL],
                swiftSettings: settings),
        .testTarget(name: "WebhooksTests", dependencies: ["Webhooks", "Audit", "MailCore", "TestSupport", crypto], swiftSettings: settings),

        .target(name: "Gateway", dependencies: [
            "MailCore", "SMTPProtocol", "SMTPServer", "Delivery", "Queue", "Audit", "DNS", "TLSPolicy", "Policy",
            "PHIScanner", "MIME", "DKIM", "MessageCrypto", "SafeIO", "Portal", "TLSReporting", "SharedStore", "Webhooks", nioCore, nioPosix, nioSSL, logging,
            crypto, cryptoExtras, "YAMLSyntax", "Yams", postgres, .product(name: "NIOExtras", package: "swift-nio-extras"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), metrics, prometheus, hummingbird,
            hummingbirdTLS, httpTypes,
        ], swiftSettings: settings),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "DNS", "MailCore", "Queue", "Audit", "Policy", "YAMLSyntax",
                                                        "Delivery", "MessageCrypto", "Portal", "SMTPProtocol", "SMTPServer", "SafeIO", "TestSupport", nioPosix, nioSSL, logging,
                                                        prometheus, hummingbird, hummingbirdTesting, httpTypes, nioCore],
                    swiftSettings: settings),

        .executableTarget(name: "sealgate", dependencies: [
            "Gateway", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: settings),
    ]
)
