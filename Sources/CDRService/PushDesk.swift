import CDRFormats
import CDRIngest
import Foundation
import Synchronization

/// Takes CDRs pushed over HTTP: reads each request body by its content type (a FreeSWITCH `mod_json_cdr`
/// document, a JSON array of records, or CSV lines in the source's own format), checks every record so a bad
/// one is refused to its sender by line and field, and queues the request for the ``Collector``, which
/// stores what has queued as one batch and answers each request once the batch is committed.
public final class PushDesk: Sendable {
    /// How a request body is read.
    enum Kind: String, Sendable {
        case freeswitch, records, csv
    }

    /// A request waiting for its batch.
    struct Pending: Sendable {
        var source: String
        var kind: Kind
        var lines: [UInt8]
        var records: Int
        var answer: @Sendable (Answer) -> Void
    }

    /// What became of a request.
    public enum Answer: Sendable, Equatable {
        /// Committed: the request's records, and what its batch newly stored and found already stored.
        case stored(records: Int, batchStored: Int64, batchDuplicates: Int64)
        /// Refused with an HTTP status and a reason naming the line or field.
        case refused(status: Int, message: String)
    }

    private let options: [String: IngestOptions]
    private let names: [String]
    private let queue = Mutex<[Pending]>([])
    private let arrival = Mutex<(@Sendable () -> Void)?>(nil)
    /// Records waiting at most; more get 503 until the collector catches up.
    let capacity: Int

    /// A desk for `sources` read with `options` (by source name).
    public init(sources: [FolderSource], options: [String: IngestOptions], capacity: Int = 200_000) {
        names = sources.map(\.name)
        self.options = options
        self.capacity = capacity
    }

    /// The read options of a source for a kind of body: pushed JSON is read in ``PushDocument/template``.
    func options(source: String, kind: Kind) -> IngestOptions {
        var read = options[source] ?? IngestOptions()
        if kind != .csv {
            read.format = .freeswitch
            read.freeswitch = PushDocument.dialect
            read.mapping = nil
            read.timezone = "UTC"
        }
        return read
    }

    /// Stores one request's records and returns once they are committed, or why they were refused.
    public func receive(body: [UInt8], contentType: String, source: String?) async -> Answer {
        let name: String
        switch (source, names.count) {
        case (let given?, _) where names.contains(given): name = given
        case (let given?, _): return .refused(status: 404, message: "no source named \(given)")
        case (nil, 1): name = names[0]
        case (nil, _): return .refused(status: 400, message: "name the source: ?source=" + names.joined(separator: "|"))
        }
        let kind: Kind
        let lines: [UInt8]
        do {
            (kind, lines) = try Self.lines(body, contentType: contentType)
        } catch {
            return .refused(status: 400, message: error.description)
        }
        let checked: (records: Int, rejects: [RecordReject])
        do {
            checked = try options(source: name, kind: kind).check(lines)
        } catch {
            return .refused(status: 400, message: error.reason)
        }
        if let reject = checked.rejects.first {
            let place = kind == .csv ? "line \(reject.line): " : ""
            return .refused(status: 422, message: "\(place)\(reject.field): \(reject.reason)")
        }
        guard checked.records > 0 else { return .refused(status: 400, message: "no records in the body") }
        return await withCheckedContinuation { continuation in
            let pending = Pending(source: name, kind: kind, lines: lines, records: checked.records) {
                continuation.resume(returning: $0)
            }
            let accepted = queue.withLock { queue in
                guard queue.reduce(0, { $0 + $1.records }) + pending.records <= capacity else { return false }
                queue.append(pending)
                return true
            }
            if accepted {
                arrival.withLock { $0 }?()
            } else {
                pending.answer(
                    .refused(status: 503, message: "too many records waiting to be stored; post again shortly")
                )
            }
        }
    }

    /// The kind and canonical lines of a body, by its content type.
    static func lines(_ body: [UInt8], contentType: String) throws(PushError) -> (Kind, [UInt8]) {
        let type =
            contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case "text/csv", "text/plain":
            return (.csv, body.last == UInt8(ascii: "\n") || body.isEmpty ? body : body + [UInt8(ascii: "\n")])
        case "application/json", "application/x-www-form-urlencoded", "":
            let start = PushDocument.formDecoded(body).first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
            if start == UInt8(ascii: "[") { return (.records, try PushDocument.recordLines(body)) }
            return (.freeswitch, try PushDocument.freeswitchLine(body))
        default:
            throw PushError(
                field: "Content-Type",
                reason: "\(type) is not taken: send application/json (mod_json_cdr or an array of records) or text/csv"
            )
        }
    }

    /// Calls `wake` whenever a request is queued.
    func onArrival(_ wake: @escaping @Sendable () -> Void) {
        arrival.withLock { $0 = wake }
    }

    /// Takes every queued request.
    func take() -> [Pending] {
        queue.withLock { queue in
            defer { queue.removeAll() }
            return queue
        }
    }

    /// Refuses every queued request (the service is stopping).
    func refuseAll() {
        for pending in take() { pending.answer(.refused(status: 503, message: "the service is stopping; post again")) }
    }
}
