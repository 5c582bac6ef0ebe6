import Foundation

/// `store`: the database and the files beside it.
public struct StoreSection: Decodable, Sendable {
    /// The SQLite file (the service loads into SQLite; PostgreSQL takes `cdrpipe ingest` workers).
    public var db: String
    /// The key folder (default `<db>.keys`).
    public var keyDir: String?
    /// Where rejected records go (default `<db>.rejects.jsonl`).
    public var rejects: String?
    /// The retention policy file (default: six months full, six years aggregates).
    public var policy: String?
    /// Records between commits of a file being loaded (each commit is a point a restart resumes from).
    public var checkpointEvery = 250_000

    private enum CodingKeys: String, CodingKey, CaseIterable { case db, keyDir, rejects, policy, checkpointEvery }

    /// Decodes the section, refusing unknown keys.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        db = try container.decode(String.self, forKey: .db)
        keyDir = try container.decodeIfPresent(String.self, forKey: .keyDir)
        rejects = try container.decodeIfPresent(String.self, forKey: .rejects)
        policy = try container.decodeIfPresent(String.self, forKey: .policy)
        checkpointEvery = try container.decodeIfPresent(Int.self, forKey: .checkpointEvery) ?? 250_000
    }
}

/// `fraud`: detection over everything collected, and where alert reports go.
public struct FraudSection: Decodable, Sendable {
    /// False turns detection off.
    public var enabled = true
    /// A rules file (default: the shipped rules).
    public var rules: String?
    /// Risk ranges (premium and IRSF number ranges).
    public var riskRanges: String?
    /// Business calendars for the out-of-hours rules.
    public var calendars: String?
    /// The folder alert reports are written to (default `<db>.outbox`).
    public var outbox: String?
    /// A URL each alert report is posted to as JSON.
    public var webhook: String?
    /// Seconds records wait to be put back in start order before detectors see them.
    public var reorderSeconds = 300
    /// Seconds without new records after which waiting records are judged anyway.
    public var quietSeconds = 10.0

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, rules, riskRanges, calendars, outbox, webhook, reorderSeconds, quietSeconds
    }

    /// The defaults: the shipped rules, reports beside the database.
    public init() {}

    /// Decodes the section, refusing unknown keys.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        rules = try container.decodeIfPresent(String.self, forKey: .rules)
        riskRanges = try container.decodeIfPresent(String.self, forKey: .riskRanges)
        calendars = try container.decodeIfPresent(String.self, forKey: .calendars)
        outbox = try container.decodeIfPresent(String.self, forKey: .outbox)
        webhook = try container.decodeIfPresent(String.self, forKey: .webhook)
        reorderSeconds = try container.decodeIfPresent(Int.self, forKey: .reorderSeconds) ?? 300
        quietSeconds = try container.decodeIfPresent(Double.self, forKey: .quietSeconds) ?? 10
    }

    func problem() -> KeyProblem? {
        if !(0...86_400).contains(reorderSeconds) { return KeyProblem(key: "reorderSeconds", text: "must be 0–86400") }
        if !(quietSeconds >= 0.1 && quietSeconds <= 86_400) {
            return KeyProblem(key: "quietSeconds", text: "must be 0.1–86400")
        }
        if let webhook, URL(string: webhook).map({ ["http", "https"].contains($0.scheme ?? "") }) != true {
            return KeyProblem(key: "webhook", text: "\(webhook) is not an http(s) URL")
        }
        return nil
    }
}

/// `server`: the HTTP API inside the service.
public struct ServerSection: Decodable, Sendable {
    /// Address to bind.
    public var host = "127.0.0.1"
    /// TCP port (0 picks a free one).
    public var port = 8443
    /// PEM certificate chain.
    public var tlsCert: String?
    /// PEM private key.
    public var tlsKey: String?
    /// Allows plain HTTP on a non-loopback address.
    public var insecure = false
    /// Connections for aggregate queries.
    public var readers = 2

    private enum CodingKeys: String, CodingKey, CaseIterable { case host, port, tlsCert, tlsKey, insecure, readers }

    /// Decodes the section, refusing unknown keys.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        host = try container.decodeIfPresent(String.self, forKey: .host) ?? "127.0.0.1"
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? 8443
        tlsCert = try container.decodeIfPresent(String.self, forKey: .tlsCert)
        tlsKey = try container.decodeIfPresent(String.self, forKey: .tlsKey)
        insecure = try container.decodeIfPresent(Bool.self, forKey: .insecure) ?? false
        readers = try container.decodeIfPresent(Int.self, forKey: .readers) ?? 2
    }

    func problem() -> KeyProblem? {
        if !(0...65_535).contains(port) { return KeyProblem(key: "port", text: "must be 0–65535") }
        if !(1...64).contains(readers) { return KeyProblem(key: "readers", text: "must be 1–64") }
        if (tlsCert == nil) != (tlsKey == nil) {
            return KeyProblem(key: tlsCert == nil ? "tlsCert" : "tlsKey", text: "give tlsCert and tlsKey together")
        }
        return nil
    }
}

/// `schedule`: the daily jobs, at local wall-clock times; one missed while the service was down runs at start.
public struct ScheduleSection: Decodable, Sendable {
    /// Time of the daily retention run (`HH:MM`), or nil for none.
    public var retainAt: String?
    /// Time of the daily backup (`HH:MM`), or nil for none.
    public var backupAt: String?
    /// The local backup folder (needed with `backupAt`).
    public var backupTo: String?
    /// An off-site folder each backup is copied to.
    public var offsite: String?
    /// Days backups are kept.
    public var keepDays = 30
    /// Seconds between retries of undelivered webhook reports.
    public var webhookRetrySeconds = 60.0
    /// The zone of the times above (IANA name; default: the machine's).
    public var timezone: String?

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case retainAt, backupAt, backupTo, offsite, keepDays, webhookRetrySeconds, timezone
    }

    /// No daily jobs.
    public init() {}

    /// Decodes the section, refusing unknown keys.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        retainAt = try container.decodeIfPresent(String.self, forKey: .retainAt)
        backupAt = try container.decodeIfPresent(String.self, forKey: .backupAt)
        backupTo = try container.decodeIfPresent(String.self, forKey: .backupTo)
        offsite = try container.decodeIfPresent(String.self, forKey: .offsite)
        keepDays = try container.decodeIfPresent(Int.self, forKey: .keepDays) ?? 30
        webhookRetrySeconds = try container.decodeIfPresent(Double.self, forKey: .webhookRetrySeconds) ?? 60
        timezone = try container.decodeIfPresent(String.self, forKey: .timezone)
    }

    /// The zone of the daily times.
    public var timeZone: TimeZone { timezone.flatMap(TimeZone.init(identifier:)) ?? .current }

    func problem() -> KeyProblem? {
        for (key, value) in [("retainAt", retainAt), ("backupAt", backupAt)] {
            if let value, DailyTime(value) == nil { return KeyProblem(key: key, text: "\(value) is not HH:MM") }
        }
        if backupAt != nil, backupTo == nil { return KeyProblem(key: "backupTo", text: "needed with backupAt") }
        if !(1...3650).contains(keepDays) { return KeyProblem(key: "keepDays", text: "must be 1–3650") }
        if !(webhookRetrySeconds >= 1 && webhookRetrySeconds <= 86_400) {
            return KeyProblem(key: "webhookRetrySeconds", text: "must be 1–86400")
        }
        if let timezone, TimeZone(identifier: timezone) == nil {
            return KeyProblem(key: "timezone", text: "\(timezone) is not a known time zone")
        }
        return nil
    }
}
