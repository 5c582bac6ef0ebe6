import Foundation
import TestSupport
import Testing

@testable import CDRFraud

@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    func spool() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cdr-spool-\(UUID().uuidString)").path
        return path
    }

    @Test("a receiver that fails twice then accepts gets the report once, and the spool is emptied")
    func retries() throws {
        let receiver = try TestReceiver(statuses: [500, 503, 200])
        let folder = try spool()
        let delivery = WebhookDelivery(
            url: URL(string: "http://127.0.0.1:\(receiver.port)/alerts")!,
            spool: folder,
            attempts: 4,
            backoff: 0.05
        )
        let body = Data(#"{"title":"t","count":1,"alerts":[]}"#.utf8)
        try delivery.enqueue(body, name: "alerts-1.json")
        let outcome = delivery.deliver()
        #expect(outcome.delivered == ["alerts-1.json"] && outcome.pending.isEmpty)
        #expect(receiver.requests == 3)
        #expect(receiver.bodies == [body])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test("a report the receiver never acknowledges stays in the spool, and goes out on the next delivery")
    func keepsUntilAcknowledged() throws {
        let refusing = try TestReceiver(statuses: [500])
        let folder = try spool()
        let first = WebhookDelivery(
            url: URL(string: "http://127.0.0.1:\(refusing.port)/")!,
            spool: folder,
            attempts: 2,
            backoff: 0.01
        )
        try first.enqueue(Data("{\"n\":1}".utf8), name: "alerts-1.json")
        try first.enqueue(Data("{\"n\":2}".utf8), name: "alerts-2.json")
        let failed = first.deliver()
        #expect(failed.delivered.isEmpty && failed.pending["alerts-1.json"] == "HTTP 500")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["alerts-1.json", "alerts-2.json"]
        )
        let accepting = try TestReceiver(statuses: [200])
        let second = WebhookDelivery(
            url: URL(string: "http://127.0.0.1:\(accepting.port)/")!,
            spool: folder,
            attempts: 1
        )
        #expect(second.deliver().delivered == ["alerts-1.json", "alerts-2.json"])
        #expect(accepting.bodies.map { String(decoding: $0, as: UTF8.self) } == ["{\"n\":1}", "{\"n\":2}"])
    }
}
