-- The scoring model: what training reads (each lead's features as captured, beside its engagement and outcome) and
-- what it publishes (the models, with their evaluation), and the model's part in every score.
ALTER TABLE leads ADD COLUMN features jsonb, ADD COLUMN model_score int, ADD COLUMN model_version text,
  ADD COLUMN rules_score int;

CREATE TABLE scoring_models (
  tenant_id text NOT NULL, version text NOT NULL, trained_at timestamptz, features int, evaluation jsonb,
  PRIMARY KEY (tenant_id, version)
);
ALTER TABLE scoring_models ENABLE ROW LEVEL SECURITY;
ALTER TABLE scoring_models FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scoring_models FOR SELECT USING (tenant_id = current_setting('bizflow.tenant_id', true));
CREATE POLICY projector_writes ON scoring_models FOR ALL TO bizflow_projector USING (true) WITH CHECK (true);
GRANT SELECT ON scoring_models TO bizflow_analytics;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON scoring_models TO bizflow_projector;

-- Per lead scored by both: the model's and the rules' score beside the outcome (shadow and blend modes).
CREATE VIEW model_comparison WITH (security_invoker = true) AS
SELECT tenant_id, lead_id, model_version, model_score, coalesce(rules_score, score) AS rules_score,
       converted_at IS NOT NULL AS converted, captured_at
FROM leads WHERE model_score IS NOT NULL;
GRANT SELECT ON model_comparison TO bizflow_analytics, bizflow_projector;
