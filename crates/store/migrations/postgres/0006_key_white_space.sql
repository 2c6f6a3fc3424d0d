-- Text keys (types, sources, statuses) are trimmed of the same white space as the reports trim
-- (space, tab, line feed, vertical tab, form feed, carriage return, no-break space) before they
-- are lower-cased, so a type typed as "COD Service<tab>" is a unit in the views as in the reports.
-- Each key is computed once per row, in the inner query.
DROP VIEW job_facts;
DROP VIEW lead_facts;
DROP VIEW daily_slices;

CREATE VIEW job_facts AS
SELECT account_id, uuid, day, source, job_type, status, paid_cents,
       CASE WHEN type_key LIKE '%cod%' THEN 'COD'
            WHEN type_key LIKE '%ins%' THEN 'INS'
            ELSE 'OTHER' END AS segment,
       CASE WHEN type_key IN ('cod service', 'ins service') THEN 1 ELSE 0 END AS is_unit,
       CASE WHEN type_key IN ('cod repair', 'ins repair')
                 OR (type_key = 'cod service' AND paid_cents > 10000) THEN 1 ELSE 0 END AS is_repair
FROM (
    SELECT account_id, uuid, day, source, job_type, status, lower(btrim(COALESCE(job_type, ''), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))) AS type_key,
           COALESCE(paid_cents, (SELECT CAST(SUM(p.amount_cents) AS BIGINT) FROM payments p
                                 WHERE p.account_id = jobs.account_id AND p.job_uuid = jobs.uuid
                                   AND p.deleted_at IS NULL)) AS paid_cents
    FROM jobs WHERE deleted_at IS NULL
) AS live_jobs;

CREATE VIEW lead_facts AS
SELECT account_id, uuid, day, source, lead_type, status,
       CASE WHEN type_key LIKE '%cod%' THEN 'COD'
            WHEN type_key LIKE '%ins%' THEN 'INS'
            ELSE 'OTHER' END AS segment,
       CASE WHEN source_key = 'pro referral' AND status_key = 'passed' THEN 0 ELSE 1 END AS counts_as_lead,
       CASE WHEN source_key = 'pro referral' AND status_key <> 'passed' THEN 1 ELSE 0 END AS is_pro_referral_lead
FROM (
    SELECT account_id, uuid, day, source, lead_type, status,
           lower(btrim(COALESCE(lead_type, ''), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))) AS type_key, lower(btrim(COALESCE(source, ''), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))) AS source_key, lower(btrim(COALESCE(status, ''), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))) AS status_key
    FROM leads WHERE deleted_at IS NULL
) AS live_leads;

-- Per day, source (trimmed, lower case; '' for none) and segment (NULL for calls), from the daily
-- rollups: what a dashboard sums over a period. Sums are cast to BIGINT, which PostgreSQL would
-- otherwise widen to NUMERIC.
CREATE VIEW daily_slices AS
SELECT account_id, day, source_key, segment,
       CAST(SUM(jobs) AS BIGINT) AS jobs, CAST(SUM(units) AS BIGINT) AS units,
       CAST(SUM(repairs) AS BIGINT) AS repairs, CAST(SUM(revenue_cents) AS BIGINT) AS revenue_cents,
       CAST(SUM(leads) AS BIGINT) AS leads, CAST(SUM(pro_referral_leads) AS BIGINT) AS pro_referral_leads,
       CAST(SUM(calls) AS BIGINT) AS calls
FROM (
    SELECT account_id, day, source_key,
           CASE WHEN type_key LIKE '%cod%' THEN 'COD'
                WHEN type_key LIKE '%ins%' THEN 'INS'
                ELSE 'OTHER' END AS segment,
           jobs,
           CASE WHEN type_key IN ('cod service', 'ins service') THEN jobs ELSE 0 END AS units,
           CASE WHEN type_key IN ('cod repair', 'ins repair') THEN jobs
                WHEN type_key = 'cod service' THEN paid_over_100
                ELSE 0 END AS repairs,
           paid_cents AS revenue_cents, 0 AS leads, 0 AS pro_referral_leads, 0 AS calls
    FROM (SELECT account_id, day, lower(btrim(COALESCE(source, ''), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))) AS source_key, lower(btrim(COALESCE(job_type, ''), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))) AS type_key,
                 jobs, paid_cents, paid_over_100
          FROM job_daily) AS job_days
    UNION ALL
    SELECT account_id, day, source_key,
           CASE WHEN type_key LIKE '%cod%' THEN 'COD'
                WHEN type_key LIKE '%ins%' THEN 'INS'
                ELSE 'OTHER' END,
           0, 0, 0, 0,
           CASE WHEN source_key = 'pro referral' AND status_key = 'passed' THEN 0 ELSE leads END,
           CASE WHEN source_key = 'pro referral' AND status_key <> 'passed' THEN leads ELSE 0 END,
           0
    FROM (SELECT account_id, day, lower(btrim(COALESCE(source, ''), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))) AS source_key, lower(btrim(COALESCE(lead_type, ''), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))) AS type_key,
                 lower(btrim(COALESCE(status, ''), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))) AS status_key, leads
          FROM lead_daily) AS lead_days
    UNION ALL
    SELECT account_id, day, lower(btrim(COALESCE(source, ''), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))), NULL, 0, 0, 0, 0, 0, 0, calls
    FROM call_daily
) AS parts
GROUP BY account_id, day, source_key, segment;
