import ArgumentParser
import CDRFormats
import Foundation

/// `cdrpipe mapping suggest`: a first mapping file for an unknown operator CSV export.
struct MappingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mapping",
        abstract: "Work with mapping files for operator CSV exports.",
        subcommands: [Suggest.self]
    )

    struct Suggest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the first rows of a CSV export and print a proposed mapping (JSON) with its confidence."
        )

        @Argument(help: "The CSV export (plain or gzip).")
        var file: String

        @Option(name: .shortAndLong, help: "Also write the mapping to this file.")
        var output: String?

        func run() throws {
            let head: [UInt8]
            do {
                var source = try FileSource(path: file)
                let raw = try source.readHead(FormatDetector.sniffBytes)
                if GzipSource<BoxedSource>.isGzip(raw) {
                    var gzip = try GzipSource(base: BoxedSource(PrefixedSource(head: raw, base: source)))
                    head = try gzip.readHead(FormatDetector.sniffBytes)
                } else {
                    head = raw
                }
            } catch {
                throw CommandFailure("\(file): \(error.reason)")
            }
            let suggestion: MappingSuggester.Suggestion
            do {
                suggestion = try MappingSuggester().suggest(head: head)
            } catch {
                throw CommandFailure("\(file): \(error.description)")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let mappingData = try encoder.encode(suggestion.mapping)
            guard var object = try JSONSerialization.jsonObject(with: mappingData) as? [String: Any] else {
                throw CommandFailure("internal error: the mapping did not encode as an object")
            }
            object["suggested"] =
                [
                    "confidence": suggestion.overall.rawValue,
                    "fields": suggestion.confidence.mapValues(\.rawValue),
                    "notes": suggestion.notes,
                    "rows_sampled": suggestion.rowsRead,
                    "rows_decoded": suggestion.rowsDecoded,
                ] as [String: Any]
            let data = try JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            )
            let text = String(decoding: data, as: UTF8.self) + "\n"
            if let output {
                let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
                guard fd >= 0 else { throw CommandFailure("\(output): cannot be written") }
                let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
                try handle.write(contentsOf: Data(text.utf8))
            }
            print(text, terminator: "")
            FileHandle.standardError.write(
                Data(
                    "cdrpipe: \(suggestion.overall.rawValue) confidence; the mapping reads \(suggestion.rowsDecoded) of \(suggestion.rowsRead) sampled rows\n"
                        .utf8
                )
            )
        }
    }
}
