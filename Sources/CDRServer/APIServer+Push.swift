import CDRAccess
import Foundation
import Hummingbird

/// `POST /v1/cdrs`: CDRs pushed by switches (the `ingest` role), answered 200 only once committed.
extension APIServer {
    /// Largest body a push may carry.
    static let maxPushBody = 4 * 1024 * 1024

    func addPushRoutes(_ router: Router<APIRequestContext>) {
        router.post("v1/cdrs") { [self] request, context in try await push(request, context) }
    }

    func push(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try await authorize(request, context, for: .push)
        guard let receiver else {
            throw HTTPError(.notFound, message: "this server takes no pushed CDRs (see `cdrpipe run`)")
        }
        let query = try QueryParameters(request, allowed: ["source"])
        let body = try await request.body.collect(upTo: Self.maxPushBody)
        let contentType = request.headers[.contentType] ?? ""
        let answer = await receiver.receive(
            body: Array(body.readableBytesView),
            contentType: contentType,
            source: query.string("source")
        )
        switch answer {
        case .stored(let receipt): return Self.json(receipt)
        case .refused(let status, let message):
            throw HTTPError(HTTPResponse.Status(code: status), message: message)
        }
    }
}
