import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRRetention

@Suite("Carrier names in aggregates carry no telephone number")
struct CarrierNameTests {
    @Test("a trunk named by a number is published with the number written #")
    func trunkNamedByNumber() throws {
        let scratch = try Scratch()
        var records = traffic(start: epoch("2025-01-01"), days: 2, perDay: 4000, subscribers: 600)
        for index in records.indices where index % 2 == 0 { records[index].carrier = "SIP/441632960999" }
        try scratch.load(records)
        _ = try scratch.retainer().run(asOf: epoch("2026-01-01"))
        #expect(try scratch.scalar("SELECT count(*) FROM aggregates WHERE carrier LIKE '%632960999%'") == 0)
        #expect(try scratch.scalar("SELECT count(*) FROM aggregates WHERE carrier = 'SIP/#'") > 0)
        #expect(try scratch.scalar("SELECT count(*) FROM aggregates_daily WHERE carrier LIKE '%632960999%'") == 0)
        #expect(CellVocabulary.publishable(carrier: "trunk-12") == "trunk-12")
        #expect(CellVocabulary.publishable(carrier: "+447700900001 gw 12345") == "+# gw 12345")
    }
}
