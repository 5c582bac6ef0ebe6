import CDRServer
import CDRService

/// The server's view of the service's push desk: `POST /v1/cdrs` answered as the desk answers.
struct DeskReceiver: CDRReceiver {
    let desk: PushDesk

    func receive(body: [UInt8], contentType: String, source: String?) async -> PushAnswer {
        switch await desk.receive(body: body, contentType: contentType, source: source) {
        case .stored(let records, let stored, let duplicates):
            .stored(PushReceipt(records: records, batchStored: stored, batchDuplicates: duplicates))
        case .refused(let status, let message): .refused(status: status, message: message)
        }
    }
}
