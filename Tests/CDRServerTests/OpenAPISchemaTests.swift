import CDRModel
import CDRStorage
import CDRSubjects
import Foundation
import Testing

@testable import CDRRetention
@testable import CDRServer

/// The schemas of `docs/openapi.yaml`, read from its `components/schemas` block (each property a one-line
/// flow map, as the file writes them).
struct OpenAPISchemas {
    /// One schema: its properties' flow maps, the keys that must be present, and whether others may be.
    struct Schema {
        var properties: [String: String] = [:]
        var required: Set<String>?
        var open = false
    }

    var schemas: [String: Schema] = [:]
    /// The schema each path's 200 JSON response names (directly or as array items).
    var responses: [String: String] = [:]
    /// Paths whose 200 response is JSON.
    var jsonPaths: Set<String> = []

    init(_ text: String) {
        var section = ""
        var schema: String?
        var inProperties = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let indent = line.prefix { $0 == " " }.count
            let body = line.trimmingCharacters(in: .whitespaces)
            if indent == 2, body.hasSuffix(":") { section = String(body.dropLast()) }
            if indent == 0 { section = body == "paths:" ? "paths" : "" }
            if section == "schemas", indent == 4, body.hasSuffix(":") {
                schema = String(body.dropLast())
                schemas[schema!] = Schema()
                inProperties = false
            } else if section == "schemas", let name = schema {
                if indent == 6 {
                    inProperties = body == "properties:"
                    if body.hasPrefix("additionalProperties:") { schemas[name]!.open = true }
                    if body.hasPrefix("required: [") {
                        schemas[name]!.required = Set(
                            body.dropFirst("required: [".count).dropLast().split(separator: ",")
                                .map { $0.trimmingCharacters(in: .whitespaces) }
                        )
                    }
                } else if indent == 8, inProperties, let colon = body.firstIndex(of: ":") {
                    schemas[name]!.properties[String(body[..<colon])] = String(body[body.index(after: colon)...])
                }
            }
            if section == "paths", indent == 2, body.hasSuffix(":") { path = String(body.dropLast()) }
            if section == "paths", let path, line.contains("application/json") {
                jsonPaths.insert(path)
                if let ref = Self.ref(line) { responses[path] = ref }
            }
        }
    }

    /// The schema a `$ref` on `text` names.
    static func ref(_ text: String) -> String? {
        guard let range = text.range(of: "#/components/schemas/") else { return nil }
        return String(text[range.upperBound...].prefix { $0.isLetter || $0.isNumber })
    }

    /// Whether a parsed JSON value is `true` or `false` (Foundation bridges 0 and 1 to `Bool` too, so the
    /// number's own type decides).
    static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    /// The first `type:` in a flow map.
    static func type(_ spec: Substring) -> String? {
        guard let range = spec.range(of: "type: ") else { return nil }
        return String(spec[range.upperBound...].prefix { $0.isLetter })
    }

    /// What is wrong with `value` as an instance of `name`, as readable lines; empty when it conforms.
    func problems(_ value: Any, against name: String, at path: String = "$") -> [String] {
        guard let schema = schemas[name] else { return ["\(path): no schema \(name) in docs/openapi.yaml"] }
        guard let object = value as? [String: Any] else { return ["\(path): not an object (\(name))"] }
        var found: [String] = []
        for key in schema.required ?? Set(schema.properties.keys) where object[key] == nil {
            found.append("\(path): \(name).\(key) is documented but missing")
        }
        for (key, field) in object {
            guard let spec = schema.properties[key] else {
                if !schema.open { found.append("\(path).\(key): not documented in \(name)") }
                continue
            }
            found += problems(field, spec: Substring(spec), at: "\(path).\(key)")
        }
        return found
    }

    /// What is wrong with `value` against one property's flow map.
    func problems(_ value: Any, spec: Substring, at path: String) -> [String] {
        if value is NSNull { return spec.contains("nullable: true") ? [] : ["\(path): null but not nullable"] }
        let type = Self.type(spec)
        if type == nil || !spec.hasPrefix(" { type"), let ref = Self.ref(String(spec)) {
            return problems(value, against: ref, at: path)
        }
        switch type {
        case "string": return value is String ? [] : ["\(path): not a string"]
        case "boolean": return Self.isBoolean(value) ? [] : ["\(path): not a boolean"]
        case "number": return value is NSNumber && !Self.isBoolean(value) ? [] : ["\(path): not a number"]
        case "integer":
            guard let number = value as? NSNumber, !Self.isBoolean(value),
                number.doubleValue.rounded() == number.doubleValue
            else { return ["\(path): not an integer"] }
            return []
        case "array":
            guard let items = value as? [Any] else { return ["\(path): not an array"] }
            guard !items.isEmpty else { return ["\(path): an empty array in an example checks nothing"] }
            let itemSpec = spec[spec.range(of: "items:")!.upperBound...]
            return items.enumerated().flatMap { index, item in
                problems(item, spec: itemSpec, at: "\(path)[\(index)]")
            }
        default:
            return ["\(path): unknown type in \(spec)"]
        }
    }
}

@Suite("docs/openapi.yaml against the response bodies")
struct OpenAPISchemaTests {
    static let spec: OpenAPISchemas = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = (try? String(contentsOf: root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)) ?? ""
        return OpenAPISchemas(text)
    }()

    static func parsed(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// Every body the server sends as JSON, encoded from its example, with the schema it must meet.
    static func bodies() throws -> [(schema: String, json: Any)] {
        var bodies: [(String, Any)] = []
        func add<Body: APIBody>(_: Body.Type) throws {
            bodies.append((Body.schema, try parsed(Body.example.encoded())))
        }
        try add(FileBody.self)
        try add(PageBody<FileBody>.self)
        try add(RecordJSON.self)
        try add(PageBody<RecordJSON>.self)
        try add(AlertJSON.self)
        try add(PageBody<AlertJSON>.self)
        try add(HoldJSON.self)
        try add(CaseBody.self)
        try add(AuditPageBody.self)
        try add(ErasureBody.self)
        try add(KPIRowBody.self)
        try add(SubjectReportJSON.self)
        try add(CallerTraceJSON.self)
        try add(PushReceipt.self)
        var counts = AggregateCounts()
        (counts.calls, counts.answered, counts.effective, counts.seconds, counts.billable) = (12, 8, 11, 600, 540)
        (counts.callers, counts.called) = (11, 10)
        let row = AggregateRow(values: ["2026-01-05", "carrier-a"], counts: counts, suppressed: false)
        bodies.append(
            ("AggregateRow", try (parsed(AggregateRow.json([row], dimensions: ["day", "carrier"])) as! [Any])[0])
        )
        return bodies
    }

    @Test("every response body's keys and types are the ones its schema documents, and no more")
    func bodiesMeetTheirSchemas() throws {
        #expect(Self.spec.schemas.count >= 15, "the schemas block was not read")
        for (schema, json) in try Self.bodies() {
            let problems = Self.spec.problems(json, against: schema)
            #expect(problems.isEmpty, "\(schema):\n\(problems.joined(separator: "\n"))")
        }
        let kpi = try #require(try Self.parsed(KPIRowBody.example.encoded()) as? [String: Any])
        #expect(kpi["day"] as? String == "2026-01-05", "the period's value goes under the period's name")
    }

    @Test("every JSON endpoint names a schema that a checked body meets")
    func endpointsNameCheckedSchemas() throws {
        let checked = Set(try Self.bodies().map(\.schema))
        for path in Self.spec.jsonPaths.sorted() {
            let schema = Self.spec.responses[path]
            #expect(schema != nil, "\(path): its JSON response names no schema")
            if let schema {
                #expect(checked.contains(schema), "\(path): schema \(schema) is not checked against a body")
            }
        }
    }

    @Test("the checker fails a body with an undocumented key, a missing one or a wrong type")
    func checkerCanFail() throws {
        var record = try #require(try Self.parsed(RecordJSON.example.encoded()) as? [String: Any])
        record["secret"] = "x"
        #expect(Self.spec.problems(record, against: "Record").contains { $0.contains("secret") })
        record["secret"] = nil
        record["calling"] = nil
        #expect(Self.spec.problems(record, against: "Record").contains { $0.contains("calling") })
        record["calling"] = 7
        #expect(Self.spec.problems(record, against: "Record").contains { $0.contains("not a string") })
        record["calling"] = "+447700900123"
        record["duration"] = NSNull()
        #expect(Self.spec.problems(record, against: "Record").contains { $0.contains("not nullable") })
    }
}
