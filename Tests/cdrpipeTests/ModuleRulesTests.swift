import Foundation
import Testing

/// The module graph's rules, read from the sources: a test fails when a file imports a module it should not.
@Suite("Module rules")
struct ModuleRulesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The CDR modules each source module imports, from every file's `import` lines.
    static func imports() throws -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        let sources = root + "/Sources"
        for module in try FileManager.default.contentsOfDirectory(atPath: sources) {
            guard let files = FileManager.default.enumerator(atPath: sources + "/" + module) else { continue }
            var found = Set<String>()
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: sources + "/" + module + "/" + file, encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    guard let index = words.firstIndex(of: "import"), index + 1 < words.count else { continue }
                    let name = String(words[index + 1])
                    if name.hasPrefix("CDR") || name == "CSQLite" { found.insert(name) }
                }
            }
            result[module] = found
        }
        return result
    }

    @Test("the model and the fraud core import no store; no store imports another; concrete stores only where wired")
    func rules() throws {
        let imports = try Self.imports()
        #expect(imports["CDRModel"] == [], "CDRModel imports \(imports["CDRModel"] ?? [])")
        let stores: Set<String> = ["CDRStorage", "CDRSQLite", "CDRPostgres", "CSQLite"]
        #expect(imports["CDRFraud", default: []].isDisjoint(with: stores), "CDRFraud imports a store")
        #expect(imports["CDRFormats", default: []].isDisjoint(with: stores), "CDRFormats imports a store")
        #expect(!imports["CDRSQLite", default: []].contains("CDRPostgres"))
        #expect(!imports["CDRPostgres", default: []].contains("CDRSQLite"))
        #expect(imports["CDRStorage", default: []].isSubset(of: ["CDRModel"]), "\(imports["CDRStorage"] ?? [])")
        let concrete: Set<String> = ["CDRSQLite", "CDRPostgres"]
        let wiring: Set<String> = ["cdrpipe", "CDRIngest", "CDRBackup", "CDRSQLite", "CDRPostgres"]
        for (module, names) in imports where !wiring.contains(module) {
            #expect(
                names.isDisjoint(with: concrete),
                "\(module) imports a concrete store: \(names.intersection(concrete))"
            )
        }
        #expect(!imports["CDRServer", default: []].contains("CDRIngest"))
        #expect(imports.count >= 14, "modules found: \(imports.keys.sorted())")
    }
}
