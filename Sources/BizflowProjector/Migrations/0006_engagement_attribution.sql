-- Engagement attribution: an open, click, reply or conversion belongs to the nurture message it names (the sender
-- knows the message id: delivery exposes it to the email or webhook provider), and otherwise to the lead's latest
-- message. Attributed in a view, not when the engagement is written: an engagement may be projected before its
-- message (another topic), and a view attributes it once both are there.
CREATE VIEW engagement_attribution WITH (security_invoker = true) AS
SELECT e.tenant_id, e.event_id, e.lead_id, e.kind, e.occurred_at,
       coalesce(named.message_id, latest.message_id) AS message_id,
       coalesce(named.campaign_id, latest.campaign_id) AS campaign_id,
       coalesce(named.step, latest.step) AS step,
       named.message_id IS NOT NULL AS named
FROM engagements e
LEFT JOIN nurture_messages named
  ON named.tenant_id = e.tenant_id AND named.message_id = e.message_id AND e.message_id <> ''
LEFT JOIN LATERAL (
  SELECT m.message_id, m.campaign_id, m.step FROM nurture_messages m
  WHERE m.tenant_id = e.tenant_id AND m.lead_id = e.lead_id
  ORDER BY m.created_at DESC, m.step DESC LIMIT 1
) latest ON named.message_id IS NULL;

-- Per campaign and step: messages sent and delivered, and those with at least one attributed open, click or reply,
-- and the leads converted after one of them.
DROP VIEW campaign_effectiveness;
CREATE VIEW campaign_effectiveness WITH (security_invoker = true) AS
SELECT m.tenant_id, (m.created_at AT TIME ZONE 'UTC')::date AS day, coalesce(m.campaign_id, 'none') AS campaign,
       m.step,
       count(*) AS sent,
       count(*) FILTER (WHERE m.status = 'delivered') AS delivered,
       count(*) FILTER (WHERE a.opened) AS opened,
       count(*) FILTER (WHERE a.clicked) AS clicked,
       count(*) FILTER (WHERE a.replied) AS replied,
       count(DISTINCT m.lead_id) FILTER (WHERE a.converted) AS converted
FROM nurture_messages m
LEFT JOIN (
  SELECT tenant_id, message_id,
         bool_or(kind = 'email_open') AS opened, bool_or(kind = 'email_click') AS clicked,
         bool_or(kind = 'reply') AS replied, bool_or(kind = 'converted') AS converted
  FROM engagement_attribution WHERE message_id IS NOT NULL GROUP BY 1, 2
) a ON a.tenant_id = m.tenant_id AND a.message_id = m.message_id
GROUP BY 1, 2, 3, 4;

GRANT SELECT ON engagement_attribution, campaign_effectiveness TO bizflow_analytics, bizflow_projector;
