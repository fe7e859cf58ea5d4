-- Revenue attribution: a converted lead becomes a customer, by a LeadConverted event (gateway, CLI, a CRM) naming the
-- customer id, or by an order whose customer email is a converted lead's email. Delivered orders' revenue, net of
-- refunds, goes to the lead's source, its first touch (the campaign it was captured from) and its last touch (the
-- campaign of its latest nurture message).
CREATE TABLE lead_conversions (
  tenant_id text NOT NULL, lead_id text NOT NULL, customer_id text NOT NULL, source text, actor text,
  converted_at timestamptz,
  PRIMARY KEY (tenant_id, lead_id, customer_id)
);
CREATE INDEX lead_conversions_customer ON lead_conversions (tenant_id, customer_id);
CREATE INDEX orders_customer_email ON orders (tenant_id, lower(customer_email));

ALTER TABLE lead_conversions ENABLE ROW LEVEL SECURITY;
ALTER TABLE lead_conversions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead_conversions FOR SELECT USING (tenant_id = current_setting('bizflow.tenant_id', true));
CREATE POLICY projector_writes ON lead_conversions FOR ALL TO bizflow_projector USING (true) WITH CHECK (true);
GRANT SELECT ON lead_conversions TO bizflow_analytics;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON lead_conversions TO bizflow_projector;

-- Each order with the lead it is attributed to: by the customer id a conversion named, else by the email of a
-- converted lead (the earliest captured, when several share it).
CREATE VIEW order_attribution WITH (security_invoker = true) AS
SELECT o.tenant_id, o.order_id, o.currency, o.placed_at, o.delivered_at,
       o.total - coalesce(r.refunded, 0) AS net,
       l.lead_id, l.source, coalesce(nullif(l.campaign_id, ''), 'none') AS first_touch,
       coalesce(last_touch.campaign_id, nullif(l.campaign_id, ''), 'none') AS last_touch,
       l.captured_at, CASE WHEN byid.lead_id IS NOT NULL THEN 'conversion' ELSE 'email' END AS linked_by
FROM orders o
LEFT JOIN (SELECT tenant_id, order_id, sum(refund_minor) AS refunded FROM returns GROUP BY 1, 2) r
  ON r.tenant_id = o.tenant_id AND r.order_id = o.order_id
LEFT JOIN LATERAL (
  SELECT c.lead_id FROM lead_conversions c
  WHERE c.tenant_id = o.tenant_id AND c.customer_id = o.customer_id AND o.customer_id <> ''
  ORDER BY c.converted_at LIMIT 1
) byid ON true
LEFT JOIN LATERAL (
  SELECT x.lead_id FROM leads x
  WHERE byid.lead_id IS NULL AND x.tenant_id = o.tenant_id AND x.converted_at IS NOT NULL
    AND lower(x.email) = lower(o.customer_email) AND o.customer_email <> ''
  ORDER BY x.captured_at LIMIT 1
) byemail ON true
JOIN leads l ON l.tenant_id = o.tenant_id AND l.lead_id = coalesce(byid.lead_id, byemail.lead_id)
LEFT JOIN LATERAL (
  SELECT m.campaign_id FROM nurture_messages m
  WHERE m.tenant_id = l.tenant_id AND m.lead_id = l.lead_id AND m.campaign_id <> ''
  ORDER BY m.created_at DESC LIMIT 1
) last_touch ON true
WHERE o.delivered_at IS NOT NULL;

-- Per lead: its first order and how long after capture it came.
CREATE VIEW lead_first_orders WITH (security_invoker = true) AS
SELECT tenant_id, lead_id, source, first_touch, min(placed_at) AS first_order_at,
       extract(epoch FROM min(placed_at) - min(captured_at)) / 86400 AS days_to_first_order
FROM order_attribution GROUP BY 1, 2, 3, 4;

GRANT SELECT ON order_attribution, lead_first_orders TO bizflow_analytics, bizflow_projector;
