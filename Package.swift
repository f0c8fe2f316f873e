// swift-tools-version: 6.1
import PackageDescription

// Modules in pipeline order; each depends only on the ones before it.
// ICUFacade is the only code that includes ICU headers (see ARCHITECTURE.md for why).
let package = Package(
    name: "Hashi",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Hashi", targets: ["Hashi"]),
        .executable(name: "hashi", targets: ["hashi"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    ],
    targets: [
        // Link-only: brings in the system ICU libraries through pkg-config; exposes no headers to Swift.
        .systemLibrary(
            name: "CICU",
            pkgConfig: "icu-uc icu-i18n",
            providers: [.apt(["libicu-dev"])]
        ),
        // The system zlib, for compressing stored passage text and inflating gzipped JMdict.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Thin C layer over ICU: its public header uses <stdint.h> types only.
        .target(name: "ICUFacade", dependencies: ["CICU"]),
        .target(name: "HashiAnalysis", dependencies: ["ICUFacade"]),
        .target(name: "HashiDocuments", dependencies: ["HashiAnalysis"]),
        .target(name: "HashiIndex", dependencies: ["CZlib"]),
        // Resources/SudachiDict: the built-in background dictionary (Apache-2.0, with its LICENSE and NOTICE).
        // CZlib: the JMdict importer inflates gzipped dictionaries as it streams them.
        .target(name: "HashiConcepts", dependencies: ["HashiAnalysis", "CZlib"], resources: [.copy("Resources/SudachiDict")]),
        .target(name: "HashiSearch", dependencies: ["HashiAnalysis", "HashiIndex", "HashiConcepts"]),
        .target(name: "Hashi", dependencies: ["HashiAnalysis", "HashiDocuments", "HashiIndex", "HashiConcepts", "HashiSearch"]),
        .executableTarget(
            name: "hashi",
            dependencies: [
                "Hashi",
                "HashiAnalysis",
                "HashiIndex",
                "HashiConcepts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "HashiAnalysisTests",
            dependencies: [
                "HashiAnalysis",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "HashiIndexTests",
            dependencies: [
                "HashiIndex",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "HashiTests",
            dependencies: [
                "Hashi",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "HashiSearchTests",
            dependencies: ["HashiSearch", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "HashiConceptsTests",
            dependencies: ["HashiConcepts", "CZlib", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "HashiDocumentsTests",
            dependencies: ["HashiDocuments"]
        ),
        .testTarget(
            name: "HashiCLITests",
            dependencies: ["hashi"]
        ),
    ]
)
