import Foundation

/// CDRs pushed over HTTP as JSON, turned into lines of one fixed FreeSWITCH cdr_csv template (``template``)
/// so that the ordinary parser reads, validates and keys them like a file's. The same document always gives
/// the same bytes, so a retried post has the same content key and is stored once.
public enum PushDocument {
    /// The template pushed JSON is written in: epoch times, so no time zone is involved.
    public static let template =
        #""${caller_id_number}","${destination_number}","${start_epoch}","${answer_epoch}","${end_epoch}","#
        + #""${duration}","${billsec}","${hangup_cause}","${uuid}","${accountcode}","${sip_gateway_name}","${rdnis}""#

    /// The dialect that reads ``template`` lines.
    public static let dialect = try! FreeSwitchDialect(template: template)

    /// One FreeSWITCH `mod_json_cdr` document, as FreeSWITCH posts it (raw JSON, or form-encoded `cdr=…`),
    /// as one line. Numbers and times come from its `variables` block, then from its `callflow` caller profile.
    public static func freeswitchLine(_ body: [UInt8]) throws(PushError) -> [UInt8] {
        let object = try json(formDecoded(body))
        guard let document = object as? [String: Any] else {
            throw PushError(field: "", reason: "expected a JSON object (one mod_json_cdr document)")
        }
        guard let variables = document["variables"] as? [String: Any] else {
            throw PushError(field: "variables", reason: "missing: not a mod_json_cdr document")
        }
        let profile = callerProfile(document["callflow"])
        func value(_ names: String...) -> String? {
            for name in names {
                if let text = scalar(variables[name]), !text.isEmpty { return text }
                if let text = scalar(profile[name]), !text.isEmpty { return text }
            }
            return nil
        }
        guard let start = value("start_epoch") else {
            throw PushError(field: "variables.start_epoch", reason: "missing")
        }
        guard let dialled = value("destination_number") else {
            throw PushError(field: "variables.destination_number", reason: "missing (nor in callflow.caller_profile)")
        }
        for name in ["start_epoch", "answer_epoch", "end_epoch", "duration", "billsec"] {
            if let text = value(name), Int64(text) == nil {
                throw PushError(field: "variables.\(name)", reason: "\(text.prefix(40)) is not a whole number")
            }
        }
        let fields = [
            value("caller_id_number", "ani") ?? "", dialled, start, value("answer_epoch") ?? "0",
            value("end_epoch") ?? "", value("duration") ?? "", value("billsec") ?? "0", value("hangup_cause") ?? "",
            value("uuid") ?? "", value("accountcode") ?? "", value("sip_gateway_name") ?? "", value("rdnis") ?? "",
        ]
        return try line(
            fields,
            names: ["caller_id_number", "destination_number"] + Array(repeating: "variables", count: 10)
        )
    }

    /// A JSON array of records (`calling`, `dialled`, `start`, and optionally `answer`, `end`, `duration`,
    /// `billable`, `disposition` or `cause`, `id`, `account`, `carrier`, `diverting`) as lines, one per record.
    /// Times are epoch seconds or ISO 8601 with a zone.
    public static func recordLines(_ body: [UInt8]) throws(PushError) -> [UInt8] {
        guard let records = try json(body) as? [Any] else {
            throw PushError(field: "", reason: "expected a JSON array of records")
        }
        var lines: [UInt8] = []
        for (index, item) in records.enumerated() {
            guard let record = item as? [String: Any] else {
                throw PushError(field: "[\(index)]", reason: "expected an object")
            }
            lines += try JSONRecord(record, index: index).line()
        }
        return lines
    }

    /// The JSON value of `body`, or an error saying where it stops being JSON.
    static func json(_ body: [UInt8]) throws(PushError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(body), options: [])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "not valid JSON"
            throw PushError(field: "", reason: "not valid JSON: \(detail)")
        }
    }

    /// A form-encoded `cdr=…` body decoded (what `mod_json_cdr` sends with `encode-values`); anything else as is.
    public static func formDecoded(_ body: [UInt8]) -> [UInt8] {
        guard body.starts(with: Array("cdr=".utf8)) else { return body }
        let text = String(decoding: body.dropFirst(4), as: UTF8.self).replacingOccurrences(of: "+", with: " ")
        return Array((text.removingPercentEncoding ?? text).utf8)
    }

    /// The caller profile of the call's first dialplan pass: `callflow` is one object in older FreeSWITCH and
    /// an array in newer ones.
    static func callerProfile(_ callflow: Any?) -> [String: Any] {
        let flows = (callflow as? [[String: Any]]) ?? (callflow as? [String: Any]).map { [$0] } ?? []
        let first = flows.min {
            Int(scalar($0["profile_index"]) ?? "") ?? 0 < Int(scalar($1["profile_index"]) ?? "") ?? 0
        }
        return first?["caller_profile"] as? [String: Any] ?? [:]
    }

    /// A JSON string or number as text; nil for anything else (`true` and `false` included).
    static func scalar(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        guard let number = value as? NSNumber else { return nil }
        switch UInt8(bitPattern: number.objCType.pointee) {
        case UInt8(ascii: "c"), UInt8(ascii: "B"): return nil
        case UInt8(ascii: "f"), UInt8(ascii: "d"):
            let double = number.doubleValue
            return double.rounded() == double && abs(double) < 1e15 ? String(Int64(double)) : String(double)
        default: return String(number.int64Value)
        }
    }

    /// One quoted CSV line; a field holding a line break is refused (it would split the record).
    static func line(_ fields: [String], names: [String]) throws(PushError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(fields.count * 3) { $0 + $1.utf8.count })
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            for byte in field.utf8 {
                if byte == 0x0A || byte == 0x0D {
                    throw PushError(field: names[min(index, names.count - 1)], reason: "contains a line break")
                }
                if byte == UInt8(ascii: "\"") { bytes.append(byte) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
