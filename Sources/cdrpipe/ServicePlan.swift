import ArgumentParser
import CDRIngest
import CDRRetention
import CDRService
import Foundation

/// A service config turned into the options the other commands use, each checked: the per-source read
/// options, fraud options (rules, ranges and calendars loaded once to check them), the policy and the
/// server settings. An error names the config key.
struct ServicePlan {
    let file: String
    let config: ServiceConfig
    let sourceOptions: [String: IngestOptions]
    let fraud: FraudOptions
    let policy: PolicyOptions
    let rejects: String

    /// Reads and checks the config at `path`.
    init(path: String) throws {
        file = path
        do { config = try ServiceConfig.load(path: path) } catch { throw CommandFailure(error.description, code: 2) }
        let db = config.store.db
        if db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") {
            throw CommandFailure(
                "\(path): store.db: the service loads into a SQLite file; PostgreSQL takes `cdrpipe ingest` workers",
                code: 2
            )
        }
        var options: [String: IngestOptions] = [:]
        for (index, source) in config.sources.enumerated() {
            var read = try Self.parse(InputOptions.self, Self.arguments(source), key: "sources[\(index)]", file: path)
                .ingestOptions()
            read.checkpointEvery = config.store.checkpointEvery
            read.carrierLabel = source.carrier
            options[source.name] = read
        }
        sourceOptions = options
        fraud = try Self.parse(FraudOptions.self, Self.arguments(config.fraud), key: "fraud", file: path)
        var policyArguments = ["--db", db]
        if let keyDir = config.store.keyDir { policyArguments += ["--key-dir", keyDir] }
        if let file = config.store.policy { policyArguments += ["--policy", file] }
        policy = try Self.parse(PolicyOptions.self, policyArguments, key: "store", file: path)
        _ = try policy.resolvedPolicy()
        _ = try fraud.engine(homeCountry: config.sources.first?.homeCountry ?? "44")
        _ = try fraud.ranges()
        rejects = config.store.rejects ?? db + ".rejects.jsonl"
    }

    /// The home country detection classifies numbers against: the policy's.
    var homeCountry: String { (try? policy.resolvedPolicy().homeCountryCode) ?? "44" }

    private static func arguments(_ source: FolderSource) -> [String] {
        var arguments = ["--format", source.format, "--home-country", source.homeCountry]
        if let mapping = source.mapping { arguments += ["--mapping", mapping] }
        if let template = source.template { arguments += ["--template", template] }
        if let timezone = source.timezone { arguments += ["--timezone", timezone] }
        for prefix in source.internationalPrefixes { arguments += ["--international-prefix", prefix] }
        for prefix in source.accessPrefixes { arguments += ["--access-prefix", prefix] }
        return arguments
    }

    private static func arguments(_ fraud: FraudSection) -> [String] {
        var arguments: [String] = fraud.enabled ? [] : ["--no-fraud"]
        if let rules = fraud.rules { arguments += ["--rules", rules] }
        if let ranges = fraud.riskRanges { arguments += ["--risk-ranges", ranges] }
        if let calendars = fraud.calendars { arguments += ["--calendars", calendars] }
        if let outbox = fraud.outbox { arguments += ["--outbox", outbox] }
        if let webhook = fraud.webhook { arguments += ["--webhook", webhook] }
        return arguments
    }

    /// Parses options built from a config section, naming the section when they are refused.
    private static func parse<T: ParsableArguments>(
        _ type: T.Type,
        _ arguments: [String],
        key: String,
        file: String
    ) throws
        -> T
    {
        do {
            return try T.parse(arguments)
        } catch {
            let message = T.message(for: error).replacingOccurrences(of: "Error: ", with: "")
            throw CommandFailure("\(file): \(key): \(message)", code: 2)
        }
    }
}
