import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

/// Where and how `serve` listens: TLS when a certificate and key are given, plain HTTP on loopback only
/// unless the operator insists.
public struct ServerSettings: Sendable {
    /// Host name or address to bind.
    public var host: String
    /// TCP port (0 picks a free one).
    public var port: Int
    /// PEM certificate chain file.
    public var certificate: String?
    /// PEM private key file.
    public var key: String?
    /// Allow plain HTTP on a non-loopback address.
    public var insecure: Bool
    /// Seconds a connection may stay without a complete request part (idle between requests, or sending
    /// its headers or body slowly) before it is closed.
    public var idleTimeout: Double = 30
    /// Most connections open at once; more are answered 503 and closed.
    public var maxConnections = 256

    /// Creates settings.
    public init(host: String, port: Int, certificate: String?, key: String?, insecure: Bool) {
        self.host = host
        self.port = port
        self.certificate = certificate
        self.key = key
        self.insecure = insecure
    }

    /// True for addresses only this machine can reach: `localhost`, `::1`, or an IPv4 address in
    /// 127.0.0.0/8 (four decimal octets, so a name such as `127.evil.example` is not one).
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy { $0.isASCII && $0.isNumber }
                && Int(octet).map { $0 <= 255 } == true
        }
    }

    /// Checks the combination, naming what to change.
    public func validate() throws(ServerError) {
        guard (certificate == nil) == (key == nil) else {
            throw ServerError("--tls-cert and --tls-key go together")
        }
        if certificate == nil, !Self.isLoopback(host), !insecure {
            throw ServerError(
                "plain HTTP on \(host) would send tokens and personal data in clear: give --tls-cert and --tls-key, "
                    + "bind to 127.0.0.1, or pass --insecure"
            )
        }
    }

    /// The TLS 1.2 suites offered: ECDHE key exchange (forward secrecy) with AEAD ciphers only; no plain-RSA
    /// key exchange, no CBC, no SHA-1. TLS 1.3's own suites all have forward secrecy.
    static let forwardSecretSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    /// The HTTP server builder: TLS 1.2+ with the given pair, or plain HTTP/1.1; connections capped and
    /// closed when idle or slow.
    func serverBuilder() throws(ServerError) -> HTTPServerBuilder {
        let count = ConnectionLimiter.Count(limit: maxConnections)
        let http = HTTPServerBuilder.http1(
            configuration: .init(
                additionalChannelHandlers: [ConnectionLimiter(count: count)],
                idleTimeout: .nanoseconds(Int64(idleTimeout * 1e9))
            )
        )
        guard let certificate, let key else { return http }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain,
                privateKey: .privateKey(privateKey)
            )
            configuration.minimumTLSVersion = .tlsv12
            configuration.cipherSuites = Self.forwardSecretSuites
            return try .tls(http, tlsConfiguration: configuration)
        } catch {
            throw ServerError("TLS certificate \(certificate) / key \(key): \(error)")
        }
    }
}

/// Why the server could not start.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to do.
    public var description: String

    /// Creates an error from a sentence.
    public init(_ description: String) { self.description = description }
}

extension APIServer {
    /// Serves until SIGTERM or SIGINT, then finishes the requests in flight and returns. `ready` is called
    /// with the bound port once listening.
    public func run(_ settings: ServerSettings, ready: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        try settings.validate()
        let app = Application(
            router: router(),
            server: try settings.serverBuilder(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "cdrpipe"),
            onServerRunning: { channel in ready(channel.localAddress?.port ?? settings.port) }
        )
        try await app.runService()
    }
}
