import Foundation
import Testing

@Suite("cdrpipe serve")
struct ServeCommandTests {
    /// Runs a tool to completion; nil when it is not installed.
    static func tool(_ path: String, _ arguments: [String]) throws -> (status: Int32, out: String)? {
        guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    @Test("TLS with a self-signed pair answers over HTTPS only, and SIGTERM stops it cleanly")
    func tlsAndGracefulStop() throws {
        let dir = try CLI.temporaryDirectory()
        let made = try Self.tool(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", dir + "/key.pem", "-out",
                dir + "/cert.pem", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
            ]
        )
        guard let made, made.status == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            print("skipped: needs /usr/bin/openssl and /usr/bin/curl")
            return
        }
        #expect(try CLI.run(["users", "add", "--db", dir + "/cdr.db", "--role", "operator", "op"]).status == 0)
        let (server, url, banner) = try CLI.serve([
            "--db", dir + "/cdr.db", "--port", "0", "--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem",
        ])
        let output = (server.standardOutput as! Pipe).fileHandleForReading
        #expect(url.hasPrefix("https://127.0.0.1:"), "\(banner)")
        let secure = try Self.tool(
            "/usr/bin/curl",
            ["-s", "--max-time", "5", "--cacert", dir + "/cert.pem", url + "healthz"]
        )
        #expect(secure?.out == "ok\n")
        let plain = try Self.tool(
            "/usr/bin/curl",
            ["-s", "--max-time", "5", url.replacingOccurrences(of: "https://", with: "http://") + "healthz"]
        )
        #expect(plain?.out != "ok\n")
        for (suite, accepted) in [
            ("ECDHE-RSA-AES128-GCM-SHA256", true), ("ECDHE-RSA-CHACHA20-POLY1305", true), ("AES128-SHA", false),
            ("AES256-GCM-SHA384", false), ("ECDHE-RSA-AES128-SHA", false), ("DHE-RSA-AES128-SHA", false),
        ] {
            let tls12 = try Self.tool(
                "/usr/bin/curl",
                ["-s", "--max-time", "5", "--tls-max", "1.2", "--ciphers", suite, "--cacert", dir + "/cert.pem"]
                    + [url + "healthz"]
            )
            #expect((tls12?.out == "ok\n") == accepted, "TLS 1.2 \(suite)")
        }
        let old = try Self.tool("/usr/bin/curl", ["-s", "--max-time", "5", "--tls-max", "1.1", "-k", url + "healthz"])
        #expect(old?.out != "ok\n")
        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        #expect(String(decoding: output.readDataToEndOfFile(), as: UTF8.self).contains("stopped"))
    }

    @Test("plain HTTP off loopback is refused before anything is opened")
    func refusesPlainOffLoopback() throws {
        let dir = try CLI.temporaryDirectory()
        let result = try CLI.run(["serve", "--db", dir + "/cdr.db", "--host", "0.0.0.0", "--port", "0"])
        #expect(result.status == 2)
        #expect(result.err.contains("--insecure"))
    }
}
