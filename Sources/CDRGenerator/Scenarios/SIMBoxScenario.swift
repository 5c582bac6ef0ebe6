import CDRModel
import Foundation

extension ScenarioInjector {
    /// The SIM box: new SIMs making flat calls from one cell.
    mutating func simboxAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let sims = 8 + random.below(9)
        let sharedIMEI = number % 2 == 0
        let days = Int64(2 + random.below(3))
        let cells = [UInt16(0x7000 + number % 4096), UInt16(0x7000 + (number + 1) % 4096)]
        var made: [Made] = []
        for sim in 0..<sims {
            let msisdn = "07400\(String(format: "%06d", number * 20 + sim))"
            let imsi = "23410\(String(format: "%010d", 7_000_000 + number * 20 + sim))"
            let imei =
                sharedIMEI
                ? "3577\(String(format: "%011d", number * 10 + sim / 4))"
                : "3588\(String(format: "%011d", number * 20 + sim))"
            for day in 0..<days {
                let calls = subtle ? 50 + random.below(26) : 60 + random.below(90)
                for n in 0..<calls {
                    let begin =
                        base + day * UTCDay.seconds + 8 * 3600 + Int64(n) * Int64(14 * 3600 / calls)
                        + Int64(random.below(60))
                    let answered = random.unit() < 0.6
                    var call = make(
                        msisdn,
                        randomMobile(),
                        begin,
                        5,
                        answered ? Int64(30 + random.below(270)) : 0,
                        answered ? .answered : .noAnswer
                    )
                    call.imsi = imsi
                    call.imei = imei
                    call.cellID = cells[sim % 2]
                    made.append((call, "attack", "imsi:" + imsi))
                }
            }
        }
        return made
    }

    /// Legitimate traffic that looks like SIM box, to try to fool its detector.
    mutating func simboxLookalike(number: Int, base: Int64) -> [Made] {
        let msisdn = "07401\(String(format: "%06d", number))"
        let imsi = "23410\(String(format: "%010d", 8_000_000 + number))"
        let drivers = (0..<20).map { _ in randomMobile() }
        var made: [Made] = []
        for day in 0..<Int64(3) {
            for n in 0..<(70 + random.below(50)) {
                var call = make(
                    msisdn,
                    drivers[random.below(drivers.count)],
                    base + day * UTCDay.seconds + 7 * 3600 + Int64(n) * 400,
                    4,
                    Int64(20 + random.below(60)),
                    .answered
                )
                call.imsi = imsi
                call.imei = "3599\(String(format: "%011d", number))"
                call.cellID = UInt16(0x6000 + random.below(200))
                made.append((call, "confounder", "imsi:" + imsi))
            }
        }
        return made
    }
}
