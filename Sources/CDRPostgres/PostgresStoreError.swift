/// Why a PostgreSQL operation failed, with what was being done.
public enum PostgresStoreError: Error, Sendable, CustomStringConvertible {
    /// The URL is malformed.
    case location(String)
    /// The server could not be reached or refused the login.
    case connection(String)
    /// A statement failed.
    case query(context: String, message: String)
    /// A batch's direct `COPY` met a record already stored (SQLSTATE 23505); it is retried through staging.
    case duplicateInBatch
    /// This worker's claim on a file was taken over after its lease ran out.
    case claimLost(file: String)

    /// A sentence for the operator.
    public var description: String {
        switch self {
        case .location(let message): message
        case .connection(let message): "PostgreSQL: \(message)"
        case .query(let context, let message): "PostgreSQL error while \(context): \(message)"
        case .duplicateInBatch: "PostgreSQL: a copied batch met a record already stored"
        case .claimLost(let file):
            "\(file): another worker took the file over after this worker's lease ran out; its batches stay, deduplicated"
        }
    }
}
