-- Tenant isolation. Every read model has row-level security, forced even for its owner: a session sees the rows
-- of the tenant in `bizflow.tenant_id` (set per transaction) and nothing without one. Analysts use the role
-- bizflow_analytics (no BYPASSRLS, not the owner, SELECT only); the projector writes as bizflow_projector.
-- Roles belong to the cluster: another database may be creating them at the same moment.
DO $$
BEGIN
  BEGIN
    CREATE ROLE bizflow_analytics NOLOGIN NOBYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE bizflow_projector NOLOGIN NOBYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
END $$;
GRANT bizflow_analytics, bizflow_projector TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO bizflow_analytics, bizflow_projector;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['leads', 'score_history', 'commands', 'assignments', 'engagements', 'nurture_messages',
    'orders', 'order_status_history', 'fraud_decisions', 'reviews', 'inventory_levels', 'reservations', 'backorders',
    'low_stock_alerts', 'shipments', 'returns', 'notifications', 'dlq_entries']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I FOR SELECT USING (tenant_id = current_setting(''bizflow.tenant_id'', true))', t);
    EXECUTE format('CREATE POLICY projector_writes ON %I FOR ALL TO bizflow_projector USING (true) WITH CHECK (true)', t);
    EXECUTE format('GRANT SELECT ON %I TO bizflow_analytics', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON %I TO bizflow_projector', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['lead_funnel', 'conversion_by_source', 'rep_performance', 'campaign_effectiveness',
    'order_pipeline', 'fraud_overview', 'review_backlog', 'backorders_by_sku', 'fulfilment_latency', 'revenue_daily']
  LOOP
    EXECUTE format('GRANT SELECT ON %I TO bizflow_analytics, bizflow_projector', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON projector_offsets, projector_control, applied_events TO bizflow_projector;
