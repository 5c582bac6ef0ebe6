/// A page of items: `{"items": [...], "next_offset": n|null}`.
struct PageBody<Item: APIBody>: APIBody {
    static var schema: String { Item.schema + "Page" }
    static var example: PageBody { PageBody(items: [Item.example], nextOffset: 100) }

    /// The page's items.
    var items: [Item]
    /// The offset of the next page; nil (null) on the last.
    var nextOffset: Int?

    /// The page of `items` at `offset`; `more` when another page follows.
    init(_ items: [Item], offset: Int, limit: Int, more: Bool) {
        self.init(items: items, nextOffset: more ? offset + limit : nil)
    }

    init(items: [Item], nextOffset: Int?) {
        self.items = items
        self.nextOffset = nextOffset
    }

    enum CodingKeys: String, CodingKey {
        case items
        case nextOffset = "next_offset"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextOffset, forKey: .nextOffset)
    }
}
