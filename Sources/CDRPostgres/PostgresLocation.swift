import Foundation

/// Where a PostgreSQL database is: a `postgres://user[:password]@host[:port]/database[?sslmode=…]` URL.
/// Without a password in the URL, `PGPASSWORD` is used, as libpq does.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is encrypted, with libpq's `sslmode` names.
    public enum TLSMode: String, Sendable, Equatable {
        /// Never.
        case disable
        /// When the server offers it (the default).
        case prefer
        /// Always, without checking the server's certificate.
        case require
        /// Always, checking the certificate chain and that it names the host.
        case verifyFull = "verify-full"
    }

    /// Host name or address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// Role to log in as.
    public var user: String
    /// Password, if any (never printed).
    public var password: String?
    /// Database name.
    public var database: String
    /// Transport encryption.
    public var tls: TLSMode = .prefer
    /// CA certificates (PEM) trusted for `verify-full`, instead of the system's.
    public var rootCertificate: String?

    /// A URL as given, its password hidden (for messages).
    public static func redacted(_ url: String) -> String {
        (try? PostgresLocation(url: url).description) ?? "postgres://…"
    }

    /// True when `text` names a PostgreSQL database rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a URL, naming what is wrong with it.
    public init(url: String) throws(PostgresStoreError) {
        guard Self.isURL(url), let schemeEnd = url.range(of: "://") else {
            throw .location("\(url) is not a postgres:// URL")
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        var parameters: [(String, String)] = []
        if let query = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: query)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                parameters.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
            }
            rest = rest[..<query]
        }
        guard let slash = rest.firstIndex(of: "/") else {
            throw .location("postgres URL needs a database name: postgres://user@host/dbname")
        }
        let authority = rest[..<slash]
        database = String(rest[rest.index(after: slash)...])
        guard !database.isEmpty else { throw .location("postgres URL needs a database name after the /") }
        var hostPart = authority
        user = "postgres"
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            hostPart = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = String(credentials[..<colon])
                password = String(credentials[credentials.index(after: colon)...]).removingPercentEncodingSafely
            } else {
                user = String(credentials)
            }
        }
        if let colon = hostPart.lastIndex(of: ":"), !hostPart.hasSuffix("]") {
            guard let value = Int(hostPart[hostPart.index(after: colon)...]), (1...65_535).contains(value) else {
                throw .location("postgres URL has a bad port")
            }
            port = value
            host = String(hostPart[..<colon])
        } else {
            port = 5432
            host = String(hostPart)
        }
        if host.isEmpty { host = "127.0.0.1" }
        if password == nil { password = ProcessInfo.processInfo.environment["PGPASSWORD"] }
        for (name, value) in parameters {
            switch name {
            case "sslmode":
                let modes = [
                    "disable": TLSMode.disable, "prefer": .prefer, "require": .require, "verify-ca": .verifyFull,
                ]
                guard let mode = TLSMode(rawValue: value) ?? modes[value] else {
                    throw .location("postgres URL: sslmode \(value) is not disable, prefer, require or verify-full")
                }
                tls = mode
            case "sslrootcert": rootCertificate = value
            default: throw .location("postgres URL: unknown parameter \(name) (sslmode and sslrootcert are understood)")
            }
        }
    }

    /// The URL with the password hidden.
    public var description: String {
        "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
            + (tls == .prefer ? "" : "?sslmode=\(tls.rawValue)")
    }
}

extension String {
    fileprivate var removingPercentEncodingSafely: String {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
