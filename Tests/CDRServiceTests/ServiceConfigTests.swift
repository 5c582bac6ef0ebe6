import Foundation
import Testing

@testable import CDRService

@Suite("Service config")
struct ServiceConfigTests {
    /// Writes `json` to a config file in a fresh folder that also holds `in/` and returns the file's path.
    static func config(_ json: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cdr-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        try json.write(toFile: dir + "/svc.json", atomically: true, encoding: .utf8)
        return dir + "/svc.json"
    }

    static func problem(_ json: String) throws -> ServiceConfigError? {
        let path = try config(json)
        do {
            _ = try ServiceConfig.load(path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test("a minimal config takes the defaults and resolves paths against its own folder")
    func defaults() throws {
        let path = try Self.config(#"{"store": {"db": "cdr.db"}, "sources": [{"name": "sw1", "folder": "in"}]}"#)
        let config = try ServiceConfig.load(path: path)
        let base = (path as NSString).deletingLastPathComponent
        #expect(config.store.db == base + "/cdr.db")
        #expect(config.sources.first?.folder == base + "/in")
        #expect(config.sources.first?.complete == .settle && config.sources.first?.after == .move)
        #expect(config.server == nil && config.fraud.enabled && config.pollSeconds == 2)
    }

    @Test(
        "a bad config names the key at fault",
        arguments: [
            (
                #"{"store": {"db": "x"}, "sources": [{"name": "a", "folder": "in", "settleSecs": 3}]}"#,
                "sources[0].settleSecs"
            ),
            (
                #"{"store": {"db": "x"}, "sources": [{"name": "a", "folder": "in", "complete": "soon"}]}"#,
                "sources[0].complete"
            ),
            (#"{"store": {"db": "x"}, "sources": [{"name": "a", "folder": "missing"}]}"#, "sources[0].folder"),
            (#"{"store": {"db": "x"}, "sources": [{"folder": "in"}]}"#, "sources[0].name"),
            (#"{"store": {"db": "x"}, "sources": [{"name": "a b", "folder": "in"}]}"#, "sources[0].name"),
            (
                #"{"store": {"db": "x"}, "sources": [{"name": "a", "folder": "in"}, {"name": "a", "folder": "in"}]}"#,
                "sources[1].name"
            ),
            (
                #"{"store": {"db": "x"}, "sources": [{"name": "a", "folder": "in", "timezone": "Mars/Base"}]}"#,
                "sources[0].timezone"
            ),
            (#"{"store": {"db": "x"}, "pollSeconds": 0}"#, "pollSeconds"),
            (#"{"store": {"db": "x"}, "pollSeconds": "fast"}"#, "pollSeconds"),
            (#"{"store": {}}"#, "store.db"),
            (#"{"store": {"db": "x"}, "schedule": {"retainAt": "25:00"}}"#, "schedule.retainAt"),
            (#"{"store": {"db": "x"}, "schedule": {"backupAt": "02:00"}}"#, "schedule.backupTo"),
            (#"{"store": {"db": "x"}, "fraud": {"webhook": "ftp://x"}}"#, "fraud.webhook"),
            (#"{"store": {"db": "x"}, "server": {"port": 70000}}"#, "server.port"),
            (#"{"store": {"db": "x"}, "server": {"tlsCert": "c.pem"}}"#, "server.tlsKey"),
            (#"{"store": {"db": "x"}, "surprise": 1}"#, "surprise"),
        ]
    )
    func badKeys(json: String, key: String) throws {
        let error = try #require(try Self.problem(json))
        #expect(error.key == key, "\(error)")
        #expect(error.description.contains(key))
    }

    @Test("text that is not JSON is refused as such")
    func notJSON() throws {
        let error = try #require(try Self.problem("{store: db}"))
        #expect(error.key.isEmpty && error.problem == "not valid JSON")
    }
}

@Suite("Daily schedule")
struct DailyTimeTests {
    let zone = TimeZone(identifier: "Europe/London")!

    func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("HH:MM is parsed strictly")
    func parsing() {
        #expect(DailyTime("03:00") == DailyTime("3:0"))
        for bad in ["24:00", "12:60", "12", "12:00:00", "ab:cd", "-1:00", ""] {
            #expect(DailyTime(bad) == nil, "\(bad)")
        }
    }

    @Test("a job is due once per scheduled time, and a run missed while down is due at start")
    func due() throws {
        let three = try #require(DailyTime("03:00"))
        let ranToday = date("2026-12-07T03:00:05Z")
        #expect(!three.isDue(lastRun: ranToday, now: date("2026-12-07T15:00:00Z"), in: zone))
        #expect(three.isDue(lastRun: ranToday, now: date("2026-12-08T03:00:00Z"), in: zone))
        #expect(!three.isDue(lastRun: ranToday, now: date("2026-12-08T02:59:00Z"), in: zone))
        let down = date("2026-12-05T03:00:10Z")
        #expect(three.isDue(lastRun: down, now: date("2026-12-07T01:00:00Z"), in: zone), "yesterday's run was missed")
        #expect(three.isDue(lastRun: nil, now: date("2026-12-07T01:00:00Z"), in: zone))
        let summer = try #require(DailyTime("03:00"))
        #expect(
            !summer.isDue(lastRun: date("2026-07-01T02:00:30Z"), now: date("2026-07-01T12:00:00Z"), in: zone),
            "03:00 BST is 02:00 UTC"
        )
    }
}
