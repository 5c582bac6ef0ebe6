import ArgumentParser
import CDRFormats
import CDRIngest
import CDRModel
import Foundation

/// `cdrpipe parse`: read a file without storing it (benchmark and format check).
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse a CDR file without storing it and print records/s."
    )

    enum Stage: String, ExpressibleByArgument {
        /// Split into fields only.
        case tokenize
        /// Decode, normalise and validate.
        case decode
        /// Decode and compute content keys, as ingest does before storing.
        case key
    }

    @OptionGroup var input: InputOptions
    @Option(help: "How far to go: tokenize, decode, or key.") var stage: Stage = .decode
    @Argument(help: "The file.") var path: String

    func run() throws {
        let started = Date()
        var records = 0
        var rejects = 0
        var skipped = 0
        if stage == .tokenize {
            let tokenizer = CSVTokenizer(source: try FileSource(path: path))
            while let record = try tokenizer.next() {
                records += 1
                if record.problem != nil { rejects += 1 }
            }
        } else {
            let options = try input.ingestOptions()
            let detector = FormatDetector(
                format: options.format,
                mapping: options.mapping,
                context: try options.decodeContext(),
                freeswitch: options.freeswitch
            )
            let reader = try detector.open(try FileSource(path: path))
            var keyer = RecordKeyer()
            while let event = try reader.next() {
                switch event {
                case .record(let record, let raw):
                    records += 1
                    if stage == .key { _ = keyer.key(for: record, raw: raw) }
                case .reject: rejects += 1
                case .skipped: skipped += 1
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print(
            String(
                format: "%d records, %d rejects, %d skipped (no call) in %.3f s: %.0f records/s",
                records,
                rejects,
                skipped,
                seconds,
                Double(records) / seconds
            )
        )
    }
}
