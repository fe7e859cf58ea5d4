import BizflowEvents
import BizflowPostgres

/// An event type the read models take: its statements are registered once, by conforming, beside its SQL in the
/// area's `Projection+<Area>.swift`; an event type that does not conform changes no read model.
protocol ProjectedEvent: DomainEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement]
}
