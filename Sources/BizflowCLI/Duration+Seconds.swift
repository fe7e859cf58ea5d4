extension Duration {
    /// Seconds as a Double (for tables and rates).
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
