/// The ITU-T E.164 country calling codes, resolving an international number to its country.
///
/// Regions are ISO 3166-1 alpha-2 codes; `001` marks the non-geographic codes (global freephone,
/// satellite, international networks), as libphonenumber does. `+1` is split by area code into the
/// NANP countries and `+7` into Russia and Kazakhstan.
public enum CountryCodes {
    /// The country code and region of an international number given as digits without `+`,
    /// or nil when its leading digits are not an assigned country code.
    public static func resolve(_ digits: UnsafeBufferPointer<UInt8>) -> (code: Int, region: String)? {
        var code = 0
        for length in 1...min(3, digits.count) {
            let digit = digits[length - 1] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            code = code * 10 + Int(digit)
            if let region = table[slot(length: length, code: code)] {
                return (code, refine(code: code, region: region, digits: digits))
            }
        }
        return nil
    }

    /// How many digits a country code has (1 to 3), without formatting it.
    public static func length(of code: Int) -> Int { code < 10 ? 1 : code < 100 ? 2 : 3 }

    /// The same lookup for digits held in an array.
    public static func resolve(_ digits: [UInt8]) -> (code: Int, region: String)? {
        digits.withUnsafeBufferPointer { resolve($0) }
    }

    /// Codes are prefix-free, so one flat table indexed by (length, code) answers every lookup.
    private static func slot(length: Int, code: Int) -> Int {
        length == 1 ? code : length == 2 ? 10 + code : 110 + code
    }

    private static func refine(code: Int, region: String, digits: UnsafeBufferPointer<UInt8>) -> String {
        switch code {
        case 1:
            let area = digits.dropFirst().prefix(3).reduce(0) { $0 * 10 + Int($1 &- UInt8(ascii: "0")) }
            return nanpAreas[area] ?? "US"
        case 7:
            let next = digits.dropFirst().first.map { $0 &- UInt8(ascii: "0") } ?? 0
            return next == 6 || next == 7 ? "KZ" : "RU"
        default:
            return region
        }
    }

    /// Codes by length (1, 2, 3 digits); ITU codes are prefix-free so the first hit is the answer.
    private static let table: [String?] = {
        var slots = [String?](repeating: nil, count: 1110)
        for entry in assignments.split(separator: " ") {
            let parts = entry.split(separator: ":")
            slots[slot(length: parts[0].count, code: Int(parts[0])!)] = String(parts[1])
        }
        return slots
    }()

    private static let assignments = """
        1:US 7:RU 20:EG 211:SS 212:MA 213:DZ 216:TN 218:LY 220:GM 221:SN 222:MR 223:ML 224:GN 225:CI 226:BF \
        227:NE 228:TG 229:BJ 230:MU 231:LR 232:SL 233:GH 234:NG 235:TD 236:CF 237:CM 238:CV 239:ST 240:GQ \
        241:GA 242:CG 243:CD 244:AO 245:GW 246:IO 247:AC 248:SC 249:SD 250:RW 251:ET 252:SO 253:DJ 254:KE \
        255:TZ 256:UG 257:BI 258:MZ 260:ZM 261:MG 262:RE 263:ZW 264:NA 265:MW 266:LS 267:BW 268:SZ 269:KM \
        27:ZA 290:SH 291:ER 297:AW 298:FO 299:GL 30:GR 31:NL 32:BE 33:FR 34:ES 350:GI 351:PT 352:LU 353:IE \
        354:IS 355:AL 356:MT 357:CY 358:FI 359:BG 36:HU 370:LT 371:LV 372:EE 373:MD 374:AM 375:BY 376:AD \
        377:MC 378:SM 379:VA 380:UA 381:RS 382:ME 383:XK 385:HR 386:SI 387:BA 389:MK 39:IT 40:RO 41:CH \
        420:CZ 421:SK 423:LI 43:AT 44:GB 45:DK 46:SE 47:NO 48:PL 49:DE 500:FK 501:BZ 502:GT 503:SV 504:HN \
        505:NI 506:CR 507:PA 508:PM 509:HT 51:PE 52:MX 53:CU 54:AR 55:BR 56:CL 57:CO 58:VE 590:GP 591:BO \
        592:GY 593:EC 594:GF 595:PY 596:MQ 597:SR 598:UY 599:CW 60:MY 61:AU 62:ID 63:PH 64:NZ 65:SG 66:TH \
        670:TL 672:NF 673:BN 674:NR 675:PG 676:TO 677:SB 678:VU 679:FJ 680:PW 681:WF 682:CK 683:NU 685:WS \
        686:KI 687:NC 688:TV 689:PF 690:TK 691:FM 692:MH 800:001 808:001 81:JP 82:KR 84:VN 850:KP 852:HK \
        853:MO 855:KH 856:LA 86:CN 870:001 878:001 880:BD 881:001 882:001 883:001 886:TW 888:001 90:TR 91:IN \
        92:PK 93:AF 94:LK 95:MM 960:MV 961:LB 962:JO 963:SY 964:IQ 965:KW 966:SA 967:YE 968:OM 970:PS 971:AE \
        972:IL 973:BH 974:QA 975:BT 976:MN 977:NP 979:001 98:IR 991:001 992:TJ 993:TM 994:AZ 995:GE 996:KG \
        998:UZ
        """

    /// North American Numbering Plan area codes outside the United States.
    private static let nanpAreas: [Int: String] = {
        let groups: [(String, [Int])] = [
            (
                "CA",
                [
                    204, 226, 236, 249, 250, 263, 289, 306, 343, 354, 365, 367, 368, 382, 387, 403, 416, 418, 428,
                    431, 437, 438, 450, 468, 474, 506, 514, 519, 548, 579, 581, 584, 587, 604, 613, 639, 647, 672,
                    683, 705, 709, 742, 753, 778, 780, 782, 807, 819, 825, 867, 873, 879, 902, 905,
                ]
            ),
            ("BS", [242]), ("BB", [246]), ("AI", [264]), ("AG", [268]), ("VG", [284]), ("VI", [340]),
            ("KY", [345]), ("BM", [441]), ("GD", [473]), ("TC", [649]), ("JM", [658, 876]), ("MS", [664]),
            ("MP", [670]), ("GU", [671]), ("AS", [684]), ("SX", [721]), ("LC", [758]), ("DM", [767]),
            ("VC", [784]), ("PR", [787, 939]), ("DO", [809, 829, 849]), ("TT", [868]), ("KN", [869]),
        ]
        var areas: [Int: String] = [:]
        for (region, codes) in groups { for code in codes { areas[code] = region } }
        return areas
    }()
}
