import CDRModel

/// The input formats `--format` names.
public enum InputFormat: String, Sendable, CaseIterable {
    case auto
    case asterisk
    case asteriskCustom = "asterisk-custom"
    case freeswitch
    case cucm
    case ber = "3gpp-ber"
    case mapped
}

/// Any byte source behind one concrete type, so readers are built once whatever the layering.
public struct BoxedSource: ByteSource {
    private var base: any ByteSource

    /// Boxes a source.
    public init(_ base: any ByteSource) { self.base = base }

    /// Reads from the boxed source.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceError) -> Int {
        try base.read(into: buffer)
    }
}

/// Opens a record reader over a byte stream: unwraps gzip by its magic bytes and picks the dialect,
/// by content when the format is `auto`.
public struct FormatDetector: Sendable {
    /// The format asked for.
    public var format: InputFormat
    /// The mapping for `mapped` (with `auto`, a mapping means `mapped`).
    public var mapping: MappingFile?
    /// Number plan and time zone for decoding.
    public var context: DecodeContext
    /// The FreeSWITCH template files are read with (the vanilla `example` unless configured).
    public var freeswitch: FreeSwitchDialect

    /// Creates a detector.
    public init(
        format: InputFormat,
        mapping: MappingFile?,
        context: DecodeContext,
        freeswitch: FreeSwitchDialect? = nil
    ) {
        self.format = format
        self.mapping = mapping
        self.context = context
        self.freeswitch = freeswitch ?? (try! FreeSwitchDialect())
    }

    /// How many bytes are sniffed to detect compression and the dialect.
    public static let sniffBytes = 64 * 1024

    /// Opens a reader over `source`, resuming at `resume` in the decoded stream.
    public func open(_ source: some ByteSource, resume: ResumePoint = .start) throws(SourceError) -> any RecordReader {
        var raw = source
        let head = try raw.readHead(Self.sniffBytes)
        var decoded = BoxedSource(PrefixedSource(head: head, base: raw))
        if GzipSource<BoxedSource>.isGzip(head) {
            var gzip = try GzipSource(base: decoded)
            let plainHead = try gzip.readHead(Self.sniffBytes)
            decoded = BoxedSource(PrefixedSource(head: plainHead, base: gzip))
            return try reader(decoded, head: plainHead, resume: resume)
        }
        return try reader(decoded, head: head, resume: resume)
    }

    /// The format a file's first bytes show: BER framing, the mapping's, an empty Asterisk file, or the one
    /// CSV dialect the first record fits (none or several is an error naming what to pass).
    private func detectFormat(_ head: [UInt8]) throws(SourceError) -> InputFormat {
        if BERRecordReader<BoxedSource>.sniff(head) != nil {
            return .ber
        } else if mapping != nil {
            return .mapped
        } else if head.allSatisfy({ $0 == 0x0A || $0 == 0x0D }) {
            return .asterisk
        } else {
            let candidates = try detect(head: head)
            guard candidates.count == 1 else {
                if candidates.isEmpty {
                    throw SourceError(
                        "format not recognised: the first record is not Asterisk cdr_csv or cdr_custom, FreeSWITCH "
                            + "(template with \(freeswitch.columns.count) columns) or a CUCM header; pass --format, "
                            + "or --format mapped --mapping FILE for an operator CSV"
                    )
                }
                throw SourceError(
                    "format is ambiguous: the first record fits "
                        + "\(candidates.map(\.rawValue).joined(separator: " and ")); "
                        + "pass --format \(candidates[0].rawValue) (or another of them)"
                )
            }
            return candidates[0]
        }
    }

    private func reader(
        _ source: BoxedSource,
        head: [UInt8],
        resume: ResumePoint
    ) throws(SourceError) -> any RecordReader {
        let chosen = format == .auto ? try detectFormat(head) : format
        switch chosen {
        case .auto, .asterisk:
            return CSVRecordReader(
                source: source,
                dialect: AsteriskDialect(module: .cdrCSV),
                context: context,
                resume: resume
            )
        case .asteriskCustom:
            return CSVRecordReader(
                source: source,
                dialect: AsteriskDialect(module: .cdrCustom),
                context: context,
                resume: resume
            )
        case .freeswitch:
            return CSVRecordReader(source: source, dialect: freeswitch, context: context, resume: resume)
        case .cucm:
            return CSVRecordReader(source: source, dialect: CUCMDialect(), context: context, resume: resume)
        case .ber:
            guard let framing = BERRecordReader<BoxedSource>.sniff(head) else {
                throw SourceError(
                    "not 3GPP BER: the file starts neither with an MSC CallEventDataFile, a CSRecord tag nor a TS 32.297 header"
                )
            }
            return BERRecordReader(
                source: source,
                framing: framing,
                context: context,
                resume: resume,
                maxRecordBytes: context.maxRecordBytes
            )
        case .mapped:
            guard let mapping else { throw SourceError("--format mapped needs --mapping FILE") }
            return CSVRecordReader(
                source: source,
                dialect: try MappedDialect(mapping: mapping),
                context: context,
                resume: resume
            )
        }
    }

    /// The formats whose shape the first record of `head` fits (`cucm` alone for a CUCM header).
    public func detect(head: [UInt8]) throws(SourceError) -> [InputFormat] {
        let tokenizer = CSVTokenizer(source: MemorySource(head), trimsSpaceBeforeQuote: true)
        guard let first = try tokenizer.next() else { throw SourceError("file is empty") }
        if CUCMDialect.isHeader(first) { return [.cucm] }
        var found: [InputFormat] = []
        if AsteriskDialect(module: .cdrCSV).matches(first) { found.append(.asterisk) }
        if AsteriskDialect(module: .cdrCustom).matches(first) { found.append(.asteriskCustom) }
        if freeswitch.matches(first) { found.append(.freeswitch) }
        return found
    }
}
