import CDRSubjects

/// A JSON response body of the API: an `Encodable` type documented in `docs/openapi.yaml` under
/// `components/schemas/<schema>`; a test checks every body's keys against its schema.
protocol APIBody: Encodable, Sendable {
    /// The schema's name in `docs/openapi.yaml`.
    static var schema: String { get }
    /// A body with every field set, for the schema check.
    static var example: Self { get }
}

extension APIBody {
    /// The body as the API sends it: pretty, key-sorted JSON.
    func encoded() -> String { RecordExport.encode(self) }
}
