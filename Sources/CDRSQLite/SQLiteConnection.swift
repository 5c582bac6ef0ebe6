import CDRStorage
import CSQLite

#if canImport(Glibc)
import Glibc
#endif

/// One SQLite connection, used from one thread at a time (it is deliberately not `Sendable`).
public final class SQLiteConnection {
    let handle: OpaquePointer
    /// The database file's path.
    public let path: String
    /// When the current time limit ends (CLOCK_MONOTONIC nanoseconds), 0 for none; read by the progress
    /// handler, which interrupts a statement running past it.
    private let deadline: UnsafeMutablePointer<Int64> = {
        let pointer = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return pointer
    }()

    /// Process-wide SQLite settings, applied once before the first connection opens.
    private static let configured: Bool = {
        _ = cdr_sqlite_disable_memstatus()
        return sqlite3_initialize() == SQLITE_OK
    }()

    /// Opens (creating with mode 0600 if absent) a database file.
    public init(path: String, readOnly: Bool = false) throws(StoreError) {
        _ = Self.configured
        self.path = path
        // Only a file that does not exist yet is created (mode 0600) and closed here: closing any descriptor
        // of a database file drops every POSIX lock this process holds on it, the locks of its other
        // connections included, after which they commit unseen and unprotected.
        if !readOnly, path != ":memory:", access(path, F_OK) != 0 {
            let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 || errno == EEXIST else {
                throw StoreError(
                    code: SQLITE_CANTOPEN,
                    message: String(cString: strerror(errno)),
                    context: "creating \(path)"
                )
            }
            if fd >= 0 { close(fd) }
        }
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StoreError(code: status, message: message, context: "opening \(path)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        sqlite3_progress_handler(handle, 0, nil, nil)
        sqlite3_close_v2(handle)
        deadline.deallocate()
    }

    /// Interrupts any statement still running `seconds` from now (SQLITE_INTERRUPT, see
    /// ``StoreError/isInterrupted``); nil lifts the limit. The progress handler is installed only while a
    /// limit is set, so connections that never have one (ingest, retention) pay nothing per statement.
    public func limitTime(seconds: Double?) {
        guard let seconds else {
            deadline.pointee = 0
            sqlite3_progress_handler(handle, 0, nil, nil)
            return
        }
        cdr_sqlite_install_deadline(handle, deadline)
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        deadline.pointee = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec) + Int64(seconds * 1e9)
    }

    /// Runs `body` with no time limit (a write that must not be cut short), then restores the limit.
    public func withoutTimeLimit<T>(_ body: () throws -> T) rethrows -> T {
        let saved = deadline.pointee
        deadline.pointee = 0
        defer { deadline.pointee = saved }
        return try body()
    }

    /// Copies this database, page by page inside one read transaction, into a new file at `path` (mode
    /// 0600): SQLite's online backup, consistent while other connections keep writing (WAL).
    public func copy(to path: String) throws(StoreError) {
        let target = try SQLiteConnection(path: path)
        guard let backup = sqlite3_backup_init(target.handle, "main", handle, "main") else {
            throw StoreError(
                code: sqlite3_errcode(target.handle),
                message: String(cString: sqlite3_errmsg(target.handle)),
                context: "starting a backup into \(path)"
            )
        }
        var status: Int32
        repeat {
            status = sqlite3_backup_step(backup, -1)
            if status == SQLITE_BUSY || status == SQLITE_LOCKED { sqlite3_sleep(50) }
        } while status == SQLITE_OK || status == SQLITE_BUSY || status == SQLITE_LOCKED
        let finished = sqlite3_backup_finish(backup)
        guard status == SQLITE_DONE, finished == SQLITE_OK else {
            throw StoreError(
                code: status == SQLITE_DONE ? finished : status,
                message: String(cString: sqlite3_errmsg(target.handle)),
                context: "copying \(self.path) into \(path)"
            )
        }
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        guard status == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw StoreError(code: status & 0xFF, message: text, context: "executing \(sql.prefix(120))")
        }
    }

    /// Prepares a statement for repeated use.
    public func prepare(_ sql: String) throws(StoreError) -> Statement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status, sql) }
        return Statement(handle: statement, connection: self, sql: sql)
    }

    /// The rowid of the last successful insert.
    public var lastInsertID: Int64 { sqlite3_last_insert_rowid(handle) }
    /// Rows changed by the last statement.
    public var changes: Int32 { sqlite3_changes(handle) }

    /// True outside any transaction.
    public var autocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    func error(_ status: Int32, _ context: String) -> StoreError {
        StoreError(
            code: status & 0xFF,
            message: String(cString: sqlite3_errmsg(handle)),
            context: String(context.prefix(200))
        )
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction, committing on success and rolling back on error.
    public func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// A prepared statement, reset and re-bound for each use.
public final class Statement {
    let handle: OpaquePointer
    /// Kept alive by its statements: a statement used after its store is gone still finds its connection.
    let connection: SQLiteConnection
    let sql: String

    init(handle: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds an integer (1-based index).
    @inline(__always) public func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    /// Binds an optional integer; nil is SQL NULL.
    @inline(__always) public func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }
    /// Binds a floating-point number.
    @inline(__always) public func bind(_ index: Int32, real value: Double) { sqlite3_bind_double(handle, index, value) }
    /// Binds an optional floating-point number; nil is SQL NULL.
    @inline(__always) public func bind(_ index: Int32, real value: Double?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }
    /// Binds text (copied by SQLite).
    @inline(__always) public func bind(_ index: Int32, _ value: String) {
        var text = value
        text.withUTF8 { utf8 in
            let pointer = UnsafeRawPointer(utf8.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            _ = sqlite3_bind_text(
                handle,
                index,
                pointer.assumingMemoryBound(to: CChar.self),
                Int32(utf8.count),
                cdr_sqlite_transient()
            )
        }
    }
    /// Binds optional text; nil is SQL NULL.
    @inline(__always) public func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }
    /// Binds a blob (copied by SQLite).
    @inline(__always) public func bind(_ index: Int32, blob: UnsafeRawBufferPointer) {
        sqlite3_bind_blob(handle, index, blob.baseAddress, Int32(blob.count), cdr_sqlite_transient())
    }

    /// Steps once; true while a row is available.
    @discardableResult
    public func step() throws(StoreError) -> Bool {
        let status = sqlite3_step(handle)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.error(status, sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Resets for the next use; every parameter must be bound again.
    @inline(__always) public func reset() {
        sqlite3_reset(handle)
    }

    /// Column `index` (0-based) as an integer.
    @inline(__always) public func int(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }
    /// Column `index` as a floating-point number.
    @inline(__always) public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }
    /// Column `index` as an optional floating-point number.
    @inline(__always) public func optionalDouble(_ index: Int32) -> Double? {
        sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : sqlite3_column_double(handle, index)
    }
    /// Column `index` as an optional integer.
    @inline(__always) public func optionalInt(_ index: Int32) -> Int64? {
        sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, index)
    }
    /// Column `index` as text ("" for NULL).
    public func text(_ index: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, index) else { return "" }
        return String(
            decoding: UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, index))),
            as: UTF8.self
        )
    }
    /// Column `index` as optional text.
    public func optionalText(_ index: Int32) -> String? {
        sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : text(index)
    }
    /// Column `index`'s bytes without copying: valid only until the next `step`, `reset` or column call.
    @inline(__always) public func bytes(_ index: Int32) -> UnsafeRawBufferPointer {
        guard let pointer = sqlite3_column_blob(handle, index) else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, index)))
    }
    /// Column `index` as optional bytes.
    public func optionalBlob(_ index: Int32) -> [UInt8]? {
        sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : blob(index)
    }
    /// Column `index` as bytes.
    public func blob(_ index: Int32) -> [UInt8] {
        guard let pointer = sqlite3_column_blob(handle, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, index))))
    }
}
