extension Duration {
    /// Whole milliseconds, as librdkafka's `timeout_ms` arguments take them.
    public var milliseconds: Int32 {
        Int32(clamping: components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }

    /// Seconds as a Double (for clocks, tables and rates).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
