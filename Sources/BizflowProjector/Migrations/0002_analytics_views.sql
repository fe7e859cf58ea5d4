-- Analytics views. security_invoker: whoever queries a view is subject to the tables' row-level security, so a
-- view never shows another tenant's rows.

CREATE VIEW lead_funnel WITH (security_invoker = true) AS
SELECT tenant_id, (captured_at AT TIME ZONE 'UTC')::date AS day, coalesce(source, 'unknown') AS source,
       count(*) AS captured,
       count(*) FILTER (WHERE scored_at IS NOT NULL) AS scored,
       count(*) FILTER (WHERE assigned_at IS NOT NULL) AS assigned,
       count(*) FILTER (WHERE engaged_at IS NOT NULL) AS engaged,
       count(*) FILTER (WHERE converted_at IS NOT NULL) AS converted
FROM leads WHERE captured_at IS NOT NULL
GROUP BY 1, 2, 3;

CREATE VIEW conversion_by_source WITH (security_invoker = true) AS
SELECT tenant_id, (captured_at AT TIME ZONE 'UTC')::date AS day, coalesce(source, 'unknown') AS source,
       coalesce(nullif(campaign_id, ''), nurture_campaign, 'none') AS campaign,
       count(*) AS leads, count(*) FILTER (WHERE converted_at IS NOT NULL) AS converted
FROM leads WHERE captured_at IS NOT NULL
GROUP BY 1, 2, 3, 4;

CREATE VIEW rep_performance WITH (security_invoker = true) AS
SELECT tenant_id, (assigned_at AT TIME ZONE 'UTC')::date AS day, rep_id,
       count(*) AS assigned,
       count(*) FILTER (WHERE converted_at IS NULL AND unsubscribed_at IS NULL) AS open,
       count(*) FILTER (WHERE converted_at IS NOT NULL) AS converted,
       round(avg(score)::numeric, 1) AS average_score
FROM leads WHERE rep_id IS NOT NULL
GROUP BY 1, 2, 3;

CREATE VIEW campaign_effectiveness WITH (security_invoker = true) AS
SELECT m.tenant_id, (m.created_at AT TIME ZONE 'UTC')::date AS day, coalesce(m.campaign_id, 'none') AS campaign,
       count(*) AS sent,
       count(*) FILTER (WHERE m.status = 'delivered') AS delivered,
       count(*) FILTER (WHERE m.opened_at IS NOT NULL) AS opened,
       count(*) FILTER (WHERE m.clicked_at IS NOT NULL) AS clicked,
       count(DISTINCT m.lead_id) FILTER (WHERE l.converted_at IS NOT NULL) AS converted
FROM nurture_messages m LEFT JOIN leads l ON l.tenant_id = m.tenant_id AND l.lead_id = m.lead_id
GROUP BY 1, 2, 3;

CREATE VIEW order_pipeline WITH (security_invoker = true) AS
SELECT tenant_id, (placed_at AT TIME ZONE 'UTC')::date AS day, status, count(*) AS orders, sum(total) AS value
FROM orders
GROUP BY 1, 2, 3;

CREATE VIEW fraud_overview WITH (security_invoker = true) AS
SELECT d.tenant_id, (d.assessed_at AT TIME ZONE 'UTC')::date AS day,
       count(DISTINCT d.order_id) FILTER (WHERE d.decided_by = 'rules') AS assessed,
       count(DISTINCT d.order_id) FILTER (WHERE d.decided_by = 'rules' AND d.decision = 'approve') AS approved,
       count(DISTINCT d.order_id) FILTER (WHERE d.decided_by = 'rules' AND d.decision = 'review') AS reviewed,
       count(DISTINCT d.order_id) FILTER (WHERE d.decided_by = 'rules' AND d.decision = 'reject') AS rejected,
       count(DISTINCT d.order_id) FILTER (WHERE d.decided_by <> 'rules') AS decided_by_people
FROM fraud_decisions d
GROUP BY 1, 2;

CREATE VIEW review_backlog WITH (security_invoker = true) AS
SELECT tenant_id, order_id, risk_score, requested_at, sla_due_at, escalated
FROM reviews WHERE decided_at IS NULL;

CREATE VIEW backorders_by_sku WITH (security_invoker = true) AS
SELECT tenant_id, sku, count(*) AS orders, sum(requested) AS units, min(backordered_at) AS oldest
FROM backorders WHERE resolved_at IS NULL
GROUP BY 1, 2;

CREATE VIEW fulfilment_latency WITH (security_invoker = true) AS
SELECT tenant_id, order_id, (placed_at AT TIME ZONE 'UTC')::date AS day,
       extract(epoch FROM shipped_at - placed_at) / 3600 AS hours_to_ship,
       extract(epoch FROM delivered_at - shipped_at) / 3600 AS hours_in_transit,
       extract(epoch FROM delivered_at - placed_at) / 3600 AS hours_to_deliver
FROM orders WHERE shipped_at IS NOT NULL;

CREATE VIEW revenue_daily WITH (security_invoker = true) AS
SELECT o.tenant_id, (o.delivered_at AT TIME ZONE 'UTC')::date AS day, o.currency,
       count(*) AS orders, sum(o.total) AS gross,
       coalesce(sum(r.refunded), 0) AS refunded, sum(o.total) - coalesce(sum(r.refunded), 0) AS net
FROM orders o
LEFT JOIN (SELECT tenant_id, order_id, sum(refund_minor) AS refunded FROM returns GROUP BY 1, 2) r
  ON r.tenant_id = o.tenant_id AND r.order_id = o.order_id
WHERE o.delivered_at IS NOT NULL
GROUP BY 1, 2, 3;
