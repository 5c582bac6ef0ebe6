import ArgumentParser
import CDRGenerator
import CDRIngest
import CDRModel
import CDRSQLite
import CDRStorage
import CDRSubjects
import Foundation

/// `cdrpipe demo`: generate a sample set, ingest it into ./cdrpipe-demo.db, and print the summary.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate sample CDR files, ingest them, and print what was stored."
    )

    @Option(help: "Database to create.") var db = "cdrpipe-demo.db"
    @Option(help: "Records per generated file.") var rows = 20_000

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-demo-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let start = CivilTime.parseISO("2026-11-02")!
        try writeSwitchFiles(folder, start: start)
        let fraud = try FraudOptions.parse(["--risk-ranges", Self.shippedPath("config/risk-ranges.csv")])
        let report = try ingestSwitchFiles(folder, fraud: fraud)
        try ingestOperatorExport(folder, start: start, fraud: fraud)
        print("\nLoading the same files again stores nothing twice:")
        let again = try IngestCommand.ingest(
            db: db,
            input: try InputOptions.parse([]),
            rejects: nil,
            paths: [folder + "/switch-a-Master.csv", folder + "/switch-b-Master.csv.gz"],
            showProgress: true,
            fraud: fraud
        )
        print(SummaryPrinter.text(again))
        try showWhatWasStored()
        print("\nFraud alerts (cdrpipe alerts --db \(db)):")
        try AlertsCommand.parse(["--db", db]).run()
        if let report {
            print("\nThe alert report for fraud teams (HTML, with JSON lines and CSV beside it): \(report)")
        }
    }

    /// Two Asterisk switches (one with broken rows and injected fraud, one gzipped), a FreeSWITCH file and
    /// an MSC file in BER.
    private func writeSwitchFiles(_ folder: String, start: Int64) throws {
        let broken = [
            "\"\",\"07700900123\",\"+999123\",\"from-trunk\",\"x\",\"SIP/carrier-a-1\",\"\",\"Dial\",\"\",\"2026-11-02 10:00:00\",,\"2026-11-02 10:00:05\",5,0,\"NO ANSWER\",\"DOCUMENTATION\",\"1.1\",\"\"\n",
            "\"\",\"07700900124\",\"02079460000\",\"from-trunk\",\"x\",\"SIP/carrier-a-2\",\"\",\"Dial\",\"\",\"2026-13-02 10:00:00\",,\"2026-11-02 10:00:05\",5,0,\"NO ANSWER\",\"DOCUMENTATION\",\"1.2\",\"\"\n",
        ]
        print("Generating sample CDRs in \(folder) …")
        try GenerateCommand.write(
            format: .asterisk,
            rows: rows,
            seed: 1,
            start: start,
            days: 3,
            gzip: false,
            to: "\(folder)/switch-a-Master.csv",
            extraLines: broken,
            inject: ScenarioInjector.parse("irsf:1,wangiri:1,pbx:1,premium:1,robocall:1,concurrency:1")
        )
        try GenerateCommand.write(
            format: .asterisk,
            rows: rows,
            seed: 2,
            start: start,
            days: 3,
            gzip: true,
            to: "\(folder)/switch-b-Master.csv.gz"
        )
        try GenerateCommand.write(
            format: .freeswitch,
            rows: rows / 2,
            seed: 4,
            start: start,
            days: 3,
            gzip: false,
            to: "\(folder)/freeswitch-Master.csv"
        )
        try GenerateCommand.write(
            format: .ber,
            rows: rows / 2,
            seed: 5,
            start: start,
            days: 3,
            gzip: false,
            to: "\(folder)/msc-01.ber",
            framing: .msc
        )
    }

    /// Loads the switch files into a new database with fraud detection on; returns the alert report's path.
    private func ingestSwitchFiles(_ folder: String, fraud: FraudOptions) throws -> String? {
        try? FileManager.default.removeItem(atPath: db)
        try? FileManager.default.removeItem(atPath: db + ".rejects.jsonl")
        print("\nIngesting Asterisk (plain and gzip), FreeSWITCH and MSC BER files into \(db), format by content,")
        print("with fraud detection on (switch-a carries injected IRSF, Wangiri, PBX-hack, premium, robocall and")
        print("simultaneous-call scenarios):")
        try? FileManager.default.removeItem(atPath: db + ".outbox")
        let first = try IngestCommand.ingest(
            db: db,
            input: try InputOptions.parse([]),
            rejects: nil,
            paths: [folder],
            showProgress: true,
            fraud: fraud
        )
        print(SummaryPrinter.text(first))
        return try fraud.writeReport(
            db: db,
            alertIDs: first.alertIDs,
            homeCountry: try InputOptions.parse([]).homeCountry
        )
    }

    /// Writes an operator CSV export and loads it with the shipped mapping file.
    private func ingestOperatorExport(_ folder: String, start: Int64, fraud: FraudOptions) throws {
        try GenerateCommand.write(
            format: .mapped,
            rows: rows,
            seed: 3,
            start: start,
            days: 3,
            gzip: false,
            to: "\(folder)/carrier-x.csv"
        )
        let mapping = Self.mappingPath()
        print("\nIngesting an operator CSV with the mapping \(mapping):")
        let second = try IngestCommand.ingest(
            db: db,
            input: try InputOptions.parse(["--mapping", mapping]),
            rejects: nil,
            paths: ["\(folder)/carrier-x.csv"],
            showProgress: true,
            fraud: fraud
        )
        print(SummaryPrinter.text(second))
    }

    /// Prints the record count, the busiest callers and the first one's records.
    private func showWhatWasStored() throws {
        let store = try SQLiteStore(path: db)
        print("\n\(try store.recordCount()) records stored. Busiest callers:")
        let busiest = try store.busiestCallers(limit: 3)
        for (number, calls) in busiest { print("  \(number)  \(calls) calls") }
        guard let number = busiest.first?.number else { return }
        print("\nThe records of \(number) (cdrpipe records --db \(db) --number \(number)):")
        let records = try store.records(number: number)
        print(RecordExport.table(Array(records.prefix(15))))
        if records.count > 15 { print("… and \(records.count - 15) more") }
    }

    /// The shipped operator mapping, found beside the working directory or the executable's checkout.
    static func mappingPath() -> String { shippedPath("fixtures/operator-mapping.json") }

    /// A file shipped in the repository, found from the working directory or the executable's checkout.
    static func shippedPath(_ relative: String) -> String {
        if FileManager.default.fileExists(atPath: relative) { return relative }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return relative
    }
}
