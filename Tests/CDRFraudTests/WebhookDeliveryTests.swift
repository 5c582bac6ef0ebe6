import Foundation
import Testing

@testable import CDRFraud

#if canImport(Glibc)
import Glibc
#endif

/// A one-thread HTTP receiver on 127.0.0.1 that answers each POST with the next status in `statuses`
/// (the last one repeats) and keeps the bodies it received.
final class TestReceiver: @unchecked Sendable {
    let port: UInt16
    private let socket: Int32
    private let statuses: [Int]
    private let lock = NSLock()
    private var received: [Data] = []
    private var answered = 0

    init(statuses: [Int]) throws {
        self.statuses = statuses
        let listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(listener, $0, &length) }
        }
        socket = listener
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var bodies: [Data] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    var requests: Int {
        lock.lock()
        defer { lock.unlock() }
        return answered
    }

    private func serve() {
        while true {
            let client = accept(socket, nil, nil)
            if client < 0 { return }
            var request = Data()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(client, &buffer, buffer.count)
                if count <= 0 { break }
                request.append(contentsOf: buffer[0..<count])
                if let body = Self.body(request) {
                    lock.lock()
                    let status = statuses[min(answered, statuses.count - 1)]
                    answered += 1
                    if (200..<300).contains(status) { received.append(body) }
                    lock.unlock()
                    let reply = "HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    _ = reply.withCString { write(client, $0, strlen($0)) }
                    break
                }
            }
            close(client)
        }
    }

    /// The body once the whole request (headers and Content-Length bytes) has arrived.
    private static func body(_ request: Data) -> Data? {
        guard let end = request.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let headers = String(decoding: request[..<end.lowerBound], as: UTF8.self).lowercased()
        let length =
            headers.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        let body = request[end.upperBound...]
        return body.count >= length ? Data(body.prefix(length)) : nil
    }
}

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
