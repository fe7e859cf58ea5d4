-- Applied event ids are forgotten after a retention window (the projector deletes them in chunks). applied_at grows
-- with insertion order, so a BRIN index finds the old ones without a scan and costs next to nothing per insert.
CREATE INDEX IF NOT EXISTS applied_events_applied_at ON applied_events USING brin (applied_at);
