/// Takes CDRs pushed to `POST /v1/cdrs` and answers once they are stored: provided by `cdrpipe run`, which
/// owns the one writer. Without one the endpoint answers 404.
public protocol CDRReceiver: Sendable {
    /// Stores the records of one request body (`contentType` says how to read it) for `source` (nil: the
    /// only one), returning only once they are committed, or why they were refused.
    func receive(body: [UInt8], contentType: String, source: String?) async -> PushAnswer
}

/// What became of a push.
public enum PushAnswer: Sendable, Equatable {
    /// Committed: the request's records and what the batch holding them stored.
    case stored(PushReceipt)
    /// Refused with an HTTP status (4xx: fix the request; 503: post again later) and a reason naming the field.
    case refused(status: Int, message: String)
}

/// The answer to a push that was committed.
public struct PushReceipt: Sendable, Equatable, Codable, APIBody {
    static let schema = "PushReceipt"
    static var example: PushReceipt { PushReceipt(records: 1, batchStored: 40, batchDuplicates: 2) }

    /// Records in the request.
    public var records: Int
    /// Records of the batch (this and concurrent requests) newly stored.
    public var batchStored: Int64
    /// Records of the batch already stored before (a retried post lands here).
    public var batchDuplicates: Int64

    /// Creates a receipt.
    public init(records: Int, batchStored: Int64, batchDuplicates: Int64) {
        self.records = records
        self.batchStored = batchStored
        self.batchDuplicates = batchDuplicates
    }

    enum CodingKeys: String, CodingKey {
        case records
        case batchStored = "batch_stored"
        case batchDuplicates = "batch_duplicates"
    }
}
