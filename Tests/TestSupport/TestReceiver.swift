import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A one-thread HTTP receiver on 127.0.0.1 that answers each POST with the next status in `statuses`
/// (the last one repeats) and keeps the bodies it received.
public final class TestReceiver: @unchecked Sendable {
    /// The port it listens on.
    public let port: UInt16
    private let socket: Int32
    private let statuses: [Int]
    private let lock = NSLock()
    private var received: [Data] = []
    private var answered = 0

    /// Starts listening on a free port.
    public init(statuses: [Int]) throws {
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

    /// The bodies of the requests answered 2xx, in order.
    public var bodies: [Data] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Requests answered.
    public var requests: Int {
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
