import Foundation

/// The one file `cdrpipe run` reads: the store, the folders switches drop files into, fraud detection and
/// where its alerts go, the HTTP API, and the daily schedule. JSON with comments (JSON5); every key is
/// checked, and a bad one is named with its path (`sources[1].settleSeconds`).
public struct ServiceConfig: Decodable, Sendable {
    /// The database and the files beside it.
    public var store: StoreSection
    /// The folders collected, one per switch or feed.
    public var sources: [FolderSource]
    /// Seconds between looks at the folders.
    public var pollSeconds: Double
    /// Fraud detection over everything collected.
    public var fraud: FraudSection
    /// The HTTP API, or nil to run without one.
    public var server: ServerSection?
    /// Daily jobs.
    public var schedule: ScheduleSection

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case store, sources, pollSeconds, fraud, server, schedule
    }

    /// Decodes the file, refusing unknown keys.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        store = try container.decode(StoreSection.self, forKey: .store)
        sources = try container.decodeIfPresent([FolderSource].self, forKey: .sources) ?? []
        pollSeconds = try container.decodeIfPresent(Double.self, forKey: .pollSeconds) ?? 2
        fraud = try container.decodeIfPresent(FraudSection.self, forKey: .fraud) ?? FraudSection()
        server = try container.decodeIfPresent(ServerSection.self, forKey: .server)
        schedule = try container.decodeIfPresent(ScheduleSection.self, forKey: .schedule) ?? ScheduleSection()
    }

    /// Reads and checks a config file; relative paths in it are taken from the file's folder.
    public static func load(path: String) throws(ServiceConfigError) -> ServiceConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServiceConfigError(file: path, key: "", problem: "cannot read the file")
        }
        var config: ServiceConfig
        do {
            let decoder = JSONDecoder()
            decoder.allowsJSON5 = true
            config = try decoder.decode(ServiceConfig.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw ServiceConfigError(file: path, key: "", problem: "not valid JSON")
            }
            throw ServiceConfigError.decoding(error, file: path)
        } catch {
            throw ServiceConfigError(file: path, key: "", problem: "\(error)")
        }
        config.resolvePaths(relativeTo: (path as NSString).deletingLastPathComponent)
        try config.validate(file: path)
        return config
    }

    /// Checks values and their combinations, naming the key of the first bad one.
    public func validate(file: String) throws(ServiceConfigError) {
        func bad(_ key: String, _ problem: String) -> ServiceConfigError {
            ServiceConfigError(file: file, key: key, problem: problem)
        }
        guard !store.db.isEmpty else { throw bad("store.db", "must name the database") }
        guard (1...10_000_000).contains(store.checkpointEvery) else {
            throw bad("store.checkpointEvery", "must be 1–10000000")
        }
        guard pollSeconds >= 0.1, pollSeconds <= 3600 else { throw bad("pollSeconds", "must be 0.1–3600") }
        var names = Set<String>()
        for (index, source) in sources.enumerated() {
            if let problem = source.problem() { throw bad("sources[\(index)].\(problem.key)", problem.text) }
            guard names.insert(source.name).inserted else {
                throw bad("sources[\(index)].name", "\"\(source.name)\" is used by another source")
            }
        }
        if let problem = fraud.problem() { throw bad("fraud.\(problem.key)", problem.text) }
        if let problem = server?.problem() { throw bad("server.\(problem.key)", problem.text) }
        if let problem = schedule.problem() { throw bad("schedule.\(problem.key)", problem.text) }
    }

    private mutating func resolvePaths(relativeTo base: String) {
        func resolve(_ path: String?) -> String? {
            guard let path, !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("postgres") else { return path }
            return base.isEmpty ? path : (base as NSString).appendingPathComponent(path)
        }
        store.db = resolve(store.db) ?? store.db
        store.keyDir = resolve(store.keyDir)
        store.rejects = resolve(store.rejects)
        store.policy = resolve(store.policy)
        for index in sources.indices {
            sources[index].folder = resolve(sources[index].folder) ?? ""
            sources[index].mapping = resolve(sources[index].mapping)
        }
        fraud.rules = resolve(fraud.rules)
        fraud.riskRanges = resolve(fraud.riskRanges)
        fraud.calendars = resolve(fraud.calendars)
        fraud.outbox = resolve(fraud.outbox)
        if var section = server {
            section.tlsCert = resolve(section.tlsCert)
            section.tlsKey = resolve(section.tlsKey)
            server = section
        }
        schedule.backupTo = resolve(schedule.backupTo)
        schedule.offsite = resolve(schedule.offsite)
    }
}

/// A problem with one key of a section: the key and what is wrong.
struct KeyProblem {
    var key: String
    var text: String
}
