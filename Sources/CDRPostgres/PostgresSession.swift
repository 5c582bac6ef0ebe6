import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// One PostgreSQL connection used from an ordinary (non-async) thread: every call blocks until the server
/// answered. Not shared between threads.
public final class PostgresSession {
    private var connection: PostgresConnection
    private let logger = Logger(label: "cdrpipe.postgres")
    /// Where it is connected.
    public let location: PostgresLocation
    /// How many times the session has connected: session state (temporary tables, session locks) is
    /// gone after a reconnection.
    public private(set) var generation = 1

    /// Connects and logs in.
    public init(_ location: PostgresLocation) throws(PostgresStoreError) {
        self.location = location
        connection = try Self.connect(location)
    }

    private static func connect(_ location: PostgresLocation) throws(PostgresStoreError) -> PostgresConnection {
        let configuration = PostgresConnection.Configuration(
            host: location.host,
            port: location.port,
            username: location.user,
            password: location.password,
            database: location.database,
            tls: try tls(location)
        )
        do {
            return try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(),
                configuration: configuration,
                id: Int.random(in: 0...Int(Int32.max)),
                logger: Logger(label: "cdrpipe.postgres")
            ).wait()
        } catch {
            throw .connection("cannot connect to \(location): \(String(reflecting: error))")
        }
    }

    /// The connection, opened again if the server closed it (a restart, a failover) while no
    /// transaction was open; a statement that failed with it is not repeated.
    private func live() throws(PostgresStoreError) -> PostgresConnection {
        if connection.isClosed && !inTransaction {
            connection = try Self.connect(location)
            generation += 1
        }
        return connection
    }

    deinit { try? connection.close().wait() }

    /// The TLS setting a location asks for.
    static func tls(_ location: PostgresLocation) throws(PostgresStoreError) -> PostgresConnection.Configuration.TLS {
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tlsConfiguration(location))
        } catch {
            throw .connection("cannot set up TLS for \(location): \(error)")
        }
        switch location.tls {
        case .disable: return .disable
        case .prefer: return .prefer(context)
        case .require, .verifyFull: return .require(context)
        }
    }

    /// The TLS client configuration a location asks for: TLS 1.2 or later, the certificate checked only for
    /// `verify-full` (against `rootCertificate` when given).
    static func tlsConfiguration(_ location: PostgresLocation) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if location.tls == .verifyFull {
            if let path = location.rootCertificate {
                configuration.trustRoots = .file(path)
            }
        } else {
            configuration.certificateVerification = .none
        }
        return configuration
    }

    /// Runs one statement and returns its rows and the number of rows it affected.
    @discardableResult
    public func query(
        _ query: PostgresQuery,
        _ context: @autoclosure () -> String
    ) throws(PostgresStoreError)
        -> (rows: [PostgresRow], affected: Int)
    {
        do {
            let result = try live().query(query, logger: logger).wait()
            return (Array(result.rows), result.metadata.rows ?? 0)
        } catch {
            throw .query(context: context(), message: Self.message(error))
        }
    }

    /// Runs one SQL statement without parameters.
    public func execute(_ sql: String, _ context: @autoclosure () -> String) throws(PostgresStoreError) {
        do {
            _ = try live().simpleQuery(sql).wait()
        } catch {
            throw .query(context: context(), message: Self.message(error))
        }
    }

    /// Streams `data` (COPY text format) into `table`'s `columns` with `COPY ... FROM STDIN`.
    ///
    /// The batch goes in one write: postgres-nio 1.33 loses a write that waits for the socket to drain when
    /// the server reports an error meanwhile (a duplicate key), and the copy would then never end; one
    /// write never waits, and the error comes back when the copy is closed.
    public func copy(into table: String, columns: [String], data: ByteBuffer) throws(PostgresStoreError) {
        let connection = try live()
        let logger = logger
        let outcome = Mutex<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: CopyExecutor.shared) {
            do {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    try await writer.write(data)
                }
                outcome.withLock { $0 = .success(()) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        if case .failure(let error) = outcome.withLock({ $0 }) {
            if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" { throw .duplicateInBatch }
            throw .query(context: "copying rows into \(table)", message: Self.message(error))
        }
    }

    /// True while a transaction is open.
    public private(set) var inTransaction = false

    /// Opens a transaction.
    public func begin() throws(PostgresStoreError) {
        try execute("BEGIN", "starting a transaction")
        inTransaction = true
    }

    /// Commits the open transaction.
    public func commit() throws(PostgresStoreError) {
        inTransaction = false
        try execute("COMMIT", "committing")
    }

    /// Rolls the open transaction back.
    public func rollback() throws(PostgresStoreError) {
        inTransaction = false
        try execute("ROLLBACK", "rolling back")
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws. Inside an open
    /// transaction it simply runs as part of it.
    public func transaction<T>(_ body: () throws(PostgresStoreError) -> T) throws(PostgresStoreError) -> T {
        if inTransaction { return try body() }
        try begin()
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            try? rollback()
            throw error
        }
    }

    /// Runs a statement written with `?` placeholders, bound in order to `values`.
    @discardableResult
    public func query(
        sql: String,
        _ values: [any PostgresNonThrowingEncodable],
        _ context: @autoclosure () -> String
    ) throws(PostgresStoreError) -> (rows: [PostgresRow], affected: Int) {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { bindings.append(value) }
        return try query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: bindings), context())
    }

    /// Streams the rows of a query through a cursor, `batch` rows at a time, so a month of records never
    /// sits in memory; runs inside the open transaction or a read-only one of its own.
    public func forEachRow(
        _ query: PostgresQuery,
        batch: Int = 10_000,
        _ context: @autoclosure () -> String,
        _ body: (PostgresRow) throws -> Void
    ) throws {
        let own = !inTransaction
        if own { try begin() }
        do {
            cursors += 1
            let name = "cdrpipe_cursor_\(cursors)"
            try self.query(
                PostgresQuery(unsafeSQL: "DECLARE \(name) NO SCROLL CURSOR FOR " + query.sql, binds: query.binds),
                context()
            )
            while true {
                let (rows, _) = try self.query(PostgresQuery(unsafeSQL: "FETCH \(batch) FROM \(name)"), context())
                for row in rows { try body(row) }
                if rows.count < batch { break }
            }
            try execute("CLOSE \(name)", context())
            if own { try commit() }
        } catch {
            if own { try? rollback() }
            throw error
        }
    }

    private var cursors = 0

    /// `sql` with each `?` placeholder (outside quotes) replaced by `$1`, `$2`, ….
    static func numbered(_ sql: String) -> String {
        var result = ""
        var index = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?" && !quoted {
                index += 1
                result += "$\(index)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// True when `error` is a statement PostgreSQL cancelled at `statement_timeout` (SQLSTATE 57014), as the
    /// driver reports it or as ``message(_:)`` wrote it into a ``PostgresStoreError``.
    static func canceledByTimeout(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "57014" }
        return "\(error)".contains("SQLSTATE 57014")
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? PSQLError, let server = error.serverInfo {
            let text = server[.message] ?? "\(error.code)"
            return server[.sqlState].map { "\(text) (SQLSTATE \($0))" } ?? text
        }
        return String(describing: error)
    }
}
