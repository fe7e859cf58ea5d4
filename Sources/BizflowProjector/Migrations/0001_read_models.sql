-- Read models of the lead and order pipelines. Every row carries its tenant; the projector keeps them current.

-- Funnel stages only move forward; cancelled and rejected end an order wherever it was.
CREATE FUNCTION bizflow_stage_rank(stage text) RETURNS int IMMUTABLE LANGUAGE sql AS $$
  SELECT CASE stage WHEN 'captured' THEN 1 WHEN 'scored' THEN 2 WHEN 'assigned' THEN 3 WHEN 'engaged' THEN 4
    WHEN 'converted' THEN 5 WHEN 'disqualified' THEN 6 WHEN 'unsubscribed' THEN 6 ELSE 0 END $$;
CREATE FUNCTION bizflow_later_stage(a text, b text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
  SELECT CASE WHEN bizflow_stage_rank(b) > bizflow_stage_rank(a) THEN b ELSE a END $$;
CREATE FUNCTION bizflow_status_rank(status text) RETURNS int IMMUTABLE LANGUAGE sql AS $$
  SELECT CASE status WHEN 'placed' THEN 1 WHEN 'in_review' THEN 2 WHEN 'approved' THEN 3 WHEN 'backordered' THEN 4
    WHEN 'reserved' THEN 5 WHEN 'shipped' THEN 6 WHEN 'delivered' THEN 7 WHEN 'returned' THEN 8
    WHEN 'rejected' THEN 9 WHEN 'cancelled' THEN 9 ELSE 0 END $$;
CREATE FUNCTION bizflow_later_status(a text, b text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
  SELECT CASE WHEN a IS NULL OR bizflow_status_rank(b) > bizflow_status_rank(a) THEN b ELSE a END $$;

CREATE TABLE leads (
  tenant_id text NOT NULL,
  lead_id text NOT NULL,
  email text, company text, industry text, country text, source text, campaign_id text,
  captured_at timestamptz,
  score int, band text, confidence double precision, reasons jsonb, overridden boolean NOT NULL DEFAULT false,
  scored_at timestamptz,
  rep_id text, assigned_at timestamptz,
  nurture_campaign text,
  stage text NOT NULL DEFAULT 'captured',
  engaged_at timestamptz, converted_at timestamptz, unsubscribed_at timestamptz,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, lead_id)
);

CREATE TABLE score_history (
  tenant_id text NOT NULL, event_id text NOT NULL, lead_id text NOT NULL,
  total int NOT NULL, band text NOT NULL, demographic int, firmographic int, behavioural int, engagement int,
  confidence double precision, overridden boolean NOT NULL, reasons jsonb, scored_at timestamptz,
  PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX score_history_lead ON score_history (tenant_id, lead_id, scored_at);

-- Commands given by people (overrides, reassignments, acceptances, reviews, cancels): the audit trail.
CREATE TABLE commands (
  tenant_id text NOT NULL, event_id text NOT NULL, command_id text, kind text NOT NULL,
  subject_id text NOT NULL, actor text, reason text, detail jsonb, requested_at timestamptz,
  PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX commands_subject ON commands (tenant_id, subject_id);

CREATE TABLE assignments (
  tenant_id text NOT NULL, event_id text NOT NULL, lead_id text NOT NULL,
  kind text NOT NULL,                       -- assigned, unassigned, escalated
  rep_id text, previous_rep_id text, strategy text, reason text, at timestamptz,
  PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX assignments_lead ON assignments (tenant_id, lead_id);

CREATE TABLE engagements (
  tenant_id text NOT NULL, event_id text NOT NULL, lead_id text NOT NULL, kind text NOT NULL,
  campaign_id text, message_id text, occurred_at timestamptz,
  PRIMARY KEY (tenant_id, event_id)
);

CREATE TABLE nurture_messages (
  tenant_id text NOT NULL, message_id text NOT NULL, lead_id text NOT NULL, campaign_id text, step int,
  channel text, template_id text, rep_id text,
  status text NOT NULL DEFAULT 'scheduled',  -- scheduled, delivered, failed
  http_status int, attempts int, error text,
  created_at timestamptz, delivered_at timestamptz, opened_at timestamptz, clicked_at timestamptz,
  PRIMARY KEY (tenant_id, message_id)
);
CREATE INDEX nurture_messages_lead ON nurture_messages (tenant_id, lead_id);

CREATE TABLE orders (
  tenant_id text NOT NULL, order_id text NOT NULL,
  customer_id text, customer_email text, currency text, total bigint, items jsonb, service_level text,
  shipping_country text,
  status text NOT NULL DEFAULT 'placed',
  risk_score int, decision text,
  placed_at timestamptz, approved_at timestamptz, rejected_at timestamptz, in_review_at timestamptz,
  backordered_at timestamptz, reserved_at timestamptz, shipped_at timestamptz, delivered_at timestamptz,
  cancelled_at timestamptz, returned_at timestamptz,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, order_id)
);

CREATE TABLE order_status_history (
  tenant_id text NOT NULL, event_id text NOT NULL, order_id text NOT NULL,
  status text NOT NULL, previous text, reason text, actor text, changed_at timestamptz,
  PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX order_status_history_order ON order_status_history (tenant_id, order_id, changed_at);

CREATE TABLE fraud_decisions (
  tenant_id text NOT NULL, event_id text NOT NULL, order_id text NOT NULL,
  risk_score int NOT NULL, decision text NOT NULL, decided_by text, reasons jsonb, assessed_at timestamptz,
  PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX fraud_decisions_order ON fraud_decisions (tenant_id, order_id);

CREATE TABLE reviews (
  tenant_id text NOT NULL, order_id text NOT NULL,
  risk_score int, reasons jsonb, requested_at timestamptz, sla_due_at timestamptz,
  escalated boolean NOT NULL DEFAULT false,
  decision text, reviewer text, note text, decided_at timestamptz,
  PRIMARY KEY (tenant_id, order_id)
);

CREATE TABLE inventory_levels (
  tenant_id text NOT NULL, sku text NOT NULL, warehouse_id text NOT NULL,
  available bigint NOT NULL DEFAULT 0, reserved bigint NOT NULL DEFAULT 0, shipped bigint NOT NULL DEFAULT 0,
  reorder_point bigint, updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, sku, warehouse_id)
);

CREATE TABLE reservations (
  tenant_id text NOT NULL, order_id text NOT NULL, sku text NOT NULL,
  warehouse_id text, quantity bigint NOT NULL, state text NOT NULL,  -- held, released, shipped
  returned bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, order_id, sku)
);

CREATE TABLE backorders (
  tenant_id text NOT NULL, order_id text NOT NULL, sku text NOT NULL,
  requested bigint NOT NULL, available bigint, backordered_at timestamptz, resolved_at timestamptz, resolution text,
  PRIMARY KEY (tenant_id, order_id, sku)
);

CREATE TABLE low_stock_alerts (
  tenant_id text NOT NULL, event_id text NOT NULL, sku text NOT NULL, warehouse_id text,
  available bigint, reorder_point bigint, detected_at timestamptz,
  PRIMARY KEY (tenant_id, event_id)
);

CREATE TABLE shipments (
  tenant_id text NOT NULL, shipment_id text NOT NULL, order_id text NOT NULL,
  status text NOT NULL, warehouse_id text, carrier text, service text, tracking_number text,
  rate_minor bigint, currency text, weight_grams int,
  label_at timestamptz, shipped_at timestamptz, delivered_at timestamptz, failed_at timestamptz,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, shipment_id)
);
CREATE INDEX shipments_order ON shipments (tenant_id, order_id);

CREATE TABLE returns (
  tenant_id text NOT NULL, rma_id text NOT NULL, order_id text NOT NULL,
  items jsonb, reason text, requested_at timestamptz,
  refund_id text, refund_minor bigint, currency text, refunded_at timestamptz,
  PRIMARY KEY (tenant_id, rma_id)
);

CREATE TABLE notifications (
  tenant_id text NOT NULL, notification_id text NOT NULL, order_id text NOT NULL, kind text NOT NULL,
  recipient text, created_at timestamptz,
  delivered boolean, http_status int, attempts int, error text, delivered_at timestamptz,
  PRIMARY KEY (tenant_id, notification_id)
);

-- What failed and why: every record of every dead-letter topic.
CREATE TABLE dlq_entries (
  tenant_id text NOT NULL, dlq_topic text NOT NULL, dlq_partition int NOT NULL, dlq_offset bigint NOT NULL,
  topic text, source_partition int, source_offset bigint, error_class text, reason text, attempts int,
  tier text, event_type text, record_key text, failed_at timestamptz,
  PRIMARY KEY (tenant_id, dlq_topic, dlq_partition, dlq_offset)
);

-- The projector's own bookkeeping (no tenant; never visible to analysts).
CREATE TABLE projector_offsets (
  group_id text NOT NULL, topic text NOT NULL, kafka_partition int NOT NULL,
  next_offset bigint NOT NULL, last_event_time timestamptz, updated_at timestamptz NOT NULL,
  PRIMARY KEY (group_id, topic, kafka_partition)
);
CREATE TABLE projector_control (
  group_id text PRIMARY KEY, paused boolean NOT NULL, updated_at timestamptz NOT NULL
);
CREATE TABLE applied_events (
  event_id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()
);
