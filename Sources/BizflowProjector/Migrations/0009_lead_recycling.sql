-- Leads the recycling tier sent back into the funnel: which rule fired, what it saw, where the lead went.
CREATE TABLE lead_recycles (
  tenant_id text NOT NULL, event_id text NOT NULL, lead_id text NOT NULL, rule text NOT NULL, action text NOT NULL,
  rep_id text, reason text, score int, recycled_at timestamptz,
  PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX lead_recycles_lead ON lead_recycles (tenant_id, lead_id);

ALTER TABLE lead_recycles ENABLE ROW LEVEL SECURITY;
ALTER TABLE lead_recycles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead_recycles FOR SELECT USING (tenant_id = current_setting('bizflow.tenant_id', true));
CREATE POLICY projector_writes ON lead_recycles FOR ALL TO bizflow_projector USING (true) WITH CHECK (true);
GRANT SELECT ON lead_recycles TO bizflow_analytics;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON lead_recycles TO bizflow_projector;
