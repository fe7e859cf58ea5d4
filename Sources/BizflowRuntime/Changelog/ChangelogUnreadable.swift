/// A changelog partition holds records its restore cannot read: the partition is not processed rather than run on
/// state that would be silently wrong.
public struct ChangelogUnreadable: Error, Sendable, CustomStringConvertible {
    public var changelog: String
    public var partition: Int32
    public var records: Int

    public var description: String {
        "\(records) record(s) of \(changelog) partition \(partition) cannot be read (not written by this version?): "
            + "the state cannot be restored; run the Bizflow version that wrote them, or inspect the topic"
    }
}
