import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP client, to behave as no HTTP library would.
struct RawSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Everything the server sends until it closes the connection (or 10 s pass).
    func readToEnd() -> String? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return String(decoding: data, as: UTF8.self) }
            if n < 0 { return errno == ECONNRESET ? String(decoding: data, as: UTF8.self) : nil }
            data += buffer[..<n]
        }
    }

    func close() { _ = Glibc.close(fd) }
}

@Suite("cdrpipe serve sheds idle, slow and excess connections")
struct ServeSheddingTests {
    func start(_ extra: [String]) throws -> (server: Process, port: Int) {
        let dir = try CLI.temporaryDirectory()
        #expect(try CLI.run(["users", "add", "--db", dir + "/cdr.db", "--role", "operator", "op"]).status == 0)
        let (server, url, banner) = try CLI.serve(["--db", dir + "/cdr.db", "--port", "0"] + extra)
        let port = Int(url.split(separator: ":").last?.filter(\.isNumber) ?? "") ?? 0
        #expect(port > 0, "\(banner)")
        return (server, port)
    }

    @Test("an idle connection and a slowloris sending a header byte a second are both closed after the idle timeout")
    func idleAndSlow() throws {
        let (server, port) = try start(["--idle-timeout", "2"])
        defer { server.terminate() }
        let started = Date()
        let idle = try RawSocket(port: port)
        defer { idle.close() }
        let slow = try RawSocket(port: port)
        defer { slow.close() }
        #expect(slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"))
        for _ in 0..<8 {
            Thread.sleep(forTimeInterval: 0.5)
            _ = slow.send("X")
        }
        #expect(idle.readToEnd() == "")
        #expect(slow.readToEnd()?.contains("200") != true)
        #expect(Date().timeIntervalSince(started) < 9)
        let fresh = try RawSocket(port: port)
        defer { fresh.close() }
        #expect(fresh.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        #expect(fresh.readToEnd()?.hasPrefix("HTTP/1.1 200") == true)
    }

    @Test("connections over the cap get 503 with Retry-After; once they close, /healthz answers again")
    func connectionCap() throws {
        let (server, port) = try start(["--max-connections", "4"])
        defer { server.terminate() }
        var held: [RawSocket] = []
        for _ in 0..<4 { held.append(try RawSocket(port: port)) }
        Thread.sleep(forTimeInterval: 0.3)
        let extra = try RawSocket(port: port)
        #expect(extra.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
        let answer = extra.readToEnd() ?? ""
        extra.close()
        #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer)")
        #expect(answer.lowercased().contains("retry-after: 1"))
        for socket in held { socket.close() }
        Thread.sleep(forTimeInterval: 0.3)
        let fresh = try RawSocket(port: port)
        defer { fresh.close() }
        #expect(fresh.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        #expect(fresh.readToEnd()?.hasPrefix("HTTP/1.1 200") == true)
    }
}
