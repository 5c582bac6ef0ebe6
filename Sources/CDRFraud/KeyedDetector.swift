/// The common shape of a detector that keeps one state per subject for its rule's window plus snooze:
/// subclasses add what they observe.
class KeyedDetector<Key: Hashable & Sendable, State: Sendable> {
    /// The rule applied.
    let rule: FraudRule
    /// Which calls the rule counts.
    let filter: CallFilter
    /// Per-subject state.
    var state: KeyedState<Key, State>

    init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        self.rule = rule
        self.filter = filter
        state = KeyedState(ttl: rule.window + rule.snooze, cap: context.keyCap)
    }

    /// Keys of live state.
    var liveKeys: Int { state.count }
}
