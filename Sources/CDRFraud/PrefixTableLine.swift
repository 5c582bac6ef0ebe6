import Foundation

/// One line of a prefix-keyed reference file (risk ranges, rates): its number, its comma-separated
/// fields trimmed, and errors that name the file, line and field.
struct PrefixTableLine {
    /// The file.
    let path: String
    /// The 1-based line number.
    let number: Int
    /// The fields, trimmed.
    let fields: [String]

    /// The data lines of a file (blank lines, `#` comments and a `prefix,` header skipped).
    static func read(_ path: String) throws(FraudConfigError) -> [PrefixTableLine] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FraudConfigError(file: path, line: nil, field: nil, problem: "cannot be read")
        }
        var lines: [PrefixTableLine] = []
        for (index, raw) in String(decoding: data, as: UTF8.self).split(
            separator: "\n",
            omittingEmptySubsequences: false
        )
        .enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("prefix,") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            lines.append(PrefixTableLine(path: path, number: index + 1, fields: fields))
        }
        return lines
    }

    /// An error about `field` on this line.
    func fail(_ field: String, _ problem: String) -> FraudConfigError {
        FraudConfigError(file: path, line: number, field: field, problem: problem)
    }

    /// The first field as an E.164 prefix: `+` and 1 to 15 digits.
    func prefix() throws(FraudConfigError) -> String {
        let prefix = fields[0]
        let digits = prefix.utf8.dropFirst()
        guard prefix.hasPrefix("+"), (1...15).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) })
        else { throw fail("prefix", "\"\(prefix)\" is not + and 1 to 15 digits") }
        return prefix
    }
}
