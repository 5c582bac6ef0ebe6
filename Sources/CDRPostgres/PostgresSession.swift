import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// One PostgreSQL connection used from an ordinary (non-async) thread: every call blocks until the server
/// answered. Not shared between threads.
public final class PostgresSession {
    private let connection: PostgresConnection
    private let logger = Logger(label: "cdrpipe.postgres")
    /// Where it is connected.
    public let location: PostgresLocation

    /// Connects and logs in.
    public init(_ location: PostgresLocation) throws(PostgresStoreError) {
        self.location = location
        let configuration = PostgresConnection.Configuration(
            host: location.host,
            port: location.port,
            username: location.user,
            password: location.password,
            database: location.database,
            tls: .disable
        )
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(),
                configuration: configuration,
                id: Int.random(in: 0...Int(Int32.max)),
                logger: logger
            ).wait()
        } catch {
            throw .connection("cannot connect to \(location): \(String(reflecting: error))")
        }
    }

    deinit { try? connection.close().wait() }

    /// Runs one statement and returns its rows and the number of rows it affected.
    @discardableResult
    public func query(
        _ query: PostgresQuery,
        _ context: @autoclosure () -> String
    ) throws(PostgresStoreError)
        -> (rows: [PostgresRow], affected: Int)
    {
        do {
            let result = try connection.query(query, logger: logger).wait()
            return (Array(result.rows), result.metadata.rows ?? 0)
        } catch {
            throw .query(context: context(), message: Self.message(error))
        }
    }

    /// Runs one SQL statement without parameters.
    public func execute(_ sql: String, _ context: @autoclosure () -> String) throws(PostgresStoreError) {
        do {
            _ = try connection.simpleQuery(sql).wait()
        } catch {
            throw .query(context: context(), message: Self.message(error))
        }
    }

    /// Streams `data` (COPY text format) into `table`'s `columns` with `COPY ... FROM STDIN`.
    public func copy(into table: String, columns: [String], data: ByteBuffer) throws(PostgresStoreError) {
        let connection = connection
        let logger = logger
        let outcome = Mutex<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    var rest = data
                    while rest.readableBytes > 0 {
                        let chunk = rest.readSlice(length: min(rest.readableBytes, 1 << 20))!
                        try await writer.write(chunk)
                    }
                }
                outcome.withLock { $0 = .success(()) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        if case .failure(let error) = outcome.withLock({ $0 }) {
            throw .query(context: "copying rows into \(table)", message: Self.message(error))
        }
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    public func transaction<T>(_ body: () throws(PostgresStoreError) -> T) throws(PostgresStoreError) -> T {
        try execute("BEGIN", "starting a transaction")
        do {
            let result = try body()
            try execute("COMMIT", "committing")
            return result
        } catch {
            try? execute("ROLLBACK", "rolling back")
            throw error
        }
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? PSQLError, let server = error.serverInfo {
            let text = server[.message] ?? "\(error.code)"
            return server[.sqlState].map { "\(text) (SQLSTATE \($0))" } ?? text
        }
        return String(describing: error)
    }
}
