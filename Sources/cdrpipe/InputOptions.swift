import ArgumentParser
import CDRFormats
import CDRIngest
import CDRModel

extension InputFormat: ExpressibleByArgument {}

/// The options that say how to read CDR files, shared by `ingest` and `demo`.
struct InputOptions: ParsableArguments {
    @Option(help: "Input format: auto, asterisk, asterisk-custom, freeswitch, cucm or mapped.")
    var format: InputFormat = .auto

    @Option(help: "Mapping file (JSON) describing an operator CSV; implies --format mapped.")
    var mapping: String?

    @Option(help: "FreeSWITCH cdr_csv template string (default: the vanilla 'example' template).")
    var template: String?

    @Option(name: .customLong("template-file"), help: "FreeSWITCH cdr_csv.conf.xml to read the template from.")
    var templateFile: String?

    @Option(
        name: .customLong("template-name"),
        help: "Template name in --template-file (default: its default-template)."
    )
    var templateName: String?

    @Option(help: "Time zone the switch wrote local times in (IANA name, e.g. Europe/London). Default: UTC.")
    var timezone: String?

    @Option(name: .customLong("home-country"), help: "Home country calling code for national numbers.")
    var homeCountry: String = "44"

    @Option(name: .customLong("international-prefix"), help: "International access prefix(es), e.g. 00 or 011.")
    var internationalPrefixes: [String] = []

    @Option(name: .customLong("national-prefix"), help: "National trunk prefix (default: the country's usual one).")
    var nationalPrefix: String?

    @Option(name: .customLong("access-prefix"), help: "PBX outside-line code(s) dialled before numbers, e.g. 9.")
    var accessPrefixes: [String] = []

    @Option(
        name: .customLong("ber-duration-unit"),
        help: "Unit of BER callDuration for switches set to write fractions: s (TS 32.298), 100ms or 10ms."
    )
    var berDurationUnit: String = "s"

    @Option(
        name: .customLong("max-record-bytes"),
        help: "Longest record read whole (1 KiB–64 MiB); a longer one is rejected by byte offset and skipped."
    )
    var maxRecordBytes: Int = 1 << 20

    func validate() throws {
        guard homeCountry.allSatisfy(\.isNumber), !homeCountry.isEmpty, homeCountry.count <= 3,
            CountryCodes.resolve(Array(homeCountry.utf8) + Array("0000000".utf8))?.code == Int(homeCountry)
        else { throw ValidationError("--home-country \(homeCountry) is not an ITU country calling code") }
        guard (1 << 10...1 << 26).contains(maxRecordBytes) else {
            throw ValidationError("--max-record-bytes \(maxRecordBytes) must be from 1024 to 67108864")
        }
        if let timezone, LocalTimeConverter(identifier: timezone) == nil {
            throw ValidationError("--timezone \(timezone) is not a known time zone")
        }
        if format == .mapped && mapping == nil { throw ValidationError("--format mapped needs --mapping FILE") }
        guard ["s", "100ms", "10ms"].contains(berDurationUnit) else {
            throw ValidationError("--ber-duration-unit \(berDurationUnit): use s, 100ms or 10ms")
        }
        if template != nil && templateFile != nil {
            throw ValidationError("give --template or --template-file, not both")
        }
    }

    /// The ingest options these flags describe; loads and validates the mapping file.
    func ingestOptions() throws -> IngestOptions {
        var options = IngestOptions()
        options.format = mapping != nil && format == .auto ? .mapped : format
        if let mapping {
            do {
                options.mapping = try MappingFile.load(path: mapping)
            } catch {
                throw CommandFailure(error.reason, code: 2)
            }
        }
        do {
            if let template {
                options.freeswitch = try FreeSwitchDialect(template: template)
            } else if let templateFile {
                options.freeswitch = try FreeSwitchDialect.load(configuration: templateFile, template: templateName)
            }
        } catch {
            throw CommandFailure(error.reason, code: 2)
        }
        options.timezone = timezone
        options.berDurationTicks = ["s": 1, "100ms": 10, "10ms": 100][berDurationUnit] ?? 1
        options.maxRecordBytes = maxRecordBytes
        var plan = NumberPlan.forCountry(homeCountry, accessPrefixes: accessPrefixes)
        if !internationalPrefixes.isEmpty {
            plan.internationalPrefixes = internationalPrefixes.sorted { $0.count > $1.count }
        }
        if let nationalPrefix { plan.nationalPrefix = nationalPrefix }
        options.plan = plan
        return options
    }
}
