// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "cdrpipe",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cdrpipe", targets: ["cdrpipe"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CDRModel"),
        .target(
            name: "CDRFormats",
            dependencies: ["CDRModel", "CZlib"]
        ),
        .target(
            name: "CDRStorage",
            dependencies: [
                "CDRModel", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "CDRSQLite",
            dependencies: ["CDRModel", "CDRStorage", "CSQLite", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "CDRIngest",
            dependencies: [
                "CDRModel", "CDRFormats", "CDRStorage", "CDRSQLite", "CDRFraud", "CDRPostgres",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CDRRetention",
            dependencies: ["CDRModel", "CDRStorage", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "CDRFraud",
            dependencies: ["CDRModel", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources/fraud-rules.json")]
        ),
        .target(name: "CDRGenerator", dependencies: ["CDRModel", "CZlib"]),
        .target(name: "CDRAccess"),
        .target(name: "CDRSubjects", dependencies: ["CDRModel", "CDRStorage", "CDRRetention"]),
        .target(
            name: "CDRPostgres",
            dependencies: [
                "CDRModel", "CDRStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "CDRBackup",
            dependencies: [
                "CDRModel", "CDRStorage", "CDRSQLite", "CDRRetention", "CDRSubjects", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "CDRService", dependencies: ["CDRIngest", "CDRFormats", "CDRFraud", "CDRModel"]),
        .target(
            name: "CDRServer",
            dependencies: [
                "CDRAccess", "CDRStorage", "CDRRetention", "CDRModel", "CDRSubjects", "CDRFraud",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "cdrpipe",
            dependencies: [
                "CDRModel", "CDRFormats", "CDRStorage", "CDRSQLite", "CDRIngest", "CDRGenerator", "CDRRetention",
                "CDRFraud",
                "CDRAccess", "CDRSubjects", "CDRServer", "CDRBackup", "CDRPostgres", "CDRService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CDRModelTests", dependencies: ["CDRModel"]),
        .testTarget(name: "CDRAccessTests", dependencies: ["CDRAccess"]),
        .testTarget(
            name: "CDRPostgresTests",
            dependencies: [
                "CDRPostgres", "CDRStorage", "CDRSQLite", "CDRRetention", "CDRModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "CDRBackupTests",
            dependencies: ["CDRBackup", "CDRStorage", "CDRSQLite", "CDRRetention", "CDRSubjects", "CDRModel"]
        ),
        .testTarget(
            name: "CDRSubjectsTests",
            dependencies: ["CDRSubjects", "CDRStorage", "CDRSQLite", "CDRRetention", "CDRModel"]
        ),
        .testTarget(
            name: "CDRServerTests",
            dependencies: [
                "CDRServer", "CDRAccess", "CDRStorage", "CDRSQLite", "CDRRetention", "CDRModel",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "cdrpipeTests", dependencies: ["TestSupport"]),
        .testTarget(name: "CDRServiceTests", dependencies: ["CDRService", "CDRIngest", "CDRSQLite", "CDRStorage"]),
        .testTarget(name: "CDRFormatsTests", dependencies: ["CDRFormats", "CDRModel"], exclude: ["FuzzRegressions"]),
        .testTarget(name: "CDRStorageTests", dependencies: ["CDRStorage", "CDRSQLite"]),
        .testTarget(name: "CDRSQLiteTests", dependencies: ["CDRSQLite", "CDRStorage", "CDRModel"]),
        .testTarget(name: "CDRFraudTests", dependencies: ["CDRFraud", "CDRGenerator", "CDRModel", "TestSupport"]),
        .testTarget(name: "CDRGeneratorTests", dependencies: ["CDRGenerator", "CDRModel"]),
        .testTarget(name: "CDRRetentionTests", dependencies: ["CDRRetention", "CDRStorage", "CDRSQLite", "CDRModel"]),
        .testTarget(
            name: "CDRIngestTests",
            dependencies: [
                "CDRIngest", "CDRStorage", "CDRSQLite", "CDRFormats", "CDRModel", "CDRGenerator", "CDRFraud",
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + strict
}
