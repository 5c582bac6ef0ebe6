import ArgumentParser
import CDRServer
import CDRStore
import Foundation
import Synchronization

/// `cdrpipe serve`: the HTTP API and the analysts' page.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (TLS with --tls-cert/--tls-key; plain HTTP on loopback only).",
        discussion: "Stops gracefully on SIGTERM or SIGINT, finishing requests in flight."
    )

    @OptionGroup var options: PolicyOptions

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "TCP port (0 picks a free one and prints it).")
    var port: Int = 8443

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain file.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key file.")
    var tlsKey: String?

    @Flag(help: "Allow plain HTTP on a non-loopback address (tokens and personal data travel in clear).")
    var insecure = false

    @Option(
        name: .customLong("billing-days"),
        help: "Days after a call during which erasure must keep its record for billing (default 0)."
    )
    var billingDays: Int64 = 0

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        let settings = ServerSettings(host: host, port: port, certificate: tlsCert, key: tlsKey, insecure: insecure)
        do { try settings.validate() } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let settings = ServerSettings(host: host, port: port, certificate: tlsCert, key: tlsKey, insecure: insecure)
        let server = APIServer(
            store: try options.openStore(),
            vault: try options.vault(),
            policy: try options.resolvedPolicy(),
            billingDays: billingDays
        )
        let scheme = tlsCert == nil ? "http" : "https"
        let host = host
        let failure = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run(settings) { port in
                    FileHandle.standardOutput.write(
                        Data("cdrpipe serve: listening on \(scheme)://\(host):\(port)/\n".utf8)
                    )
                }
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            done.signal()
        }
        done.wait()
        if let message = failure.withLock({ $0 }) { throw CommandFailure(message) }
        print("cdrpipe serve: stopped")
    }
}
