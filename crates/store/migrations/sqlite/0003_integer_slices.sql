-- PostgreSQL sums BIGINT columns as NUMERIC: the view's sums are cast back to BIGINT, so that
-- every tool (and sqlx) reads them as integers on both backends.
DROP VIEW daily_slices;

-- Per day, source (trimmed, lower case; '' for none) and segment (NULL for calls), from the daily
-- rollups: what a dashboard sums over a period.
CREATE VIEW daily_slices AS
SELECT account_id, day, source_key, segment,
       CAST(SUM(jobs) AS BIGINT) AS jobs, CAST(SUM(units) AS BIGINT) AS units,
       CAST(SUM(repairs) AS BIGINT) AS repairs, CAST(SUM(revenue_cents) AS BIGINT) AS revenue_cents,
       CAST(SUM(leads) AS BIGINT) AS leads, CAST(SUM(pro_referral_leads) AS BIGINT) AS pro_referral_leads,
       CAST(SUM(calls) AS BIGINT) AS calls
FROM (
    SELECT account_id, day, lower(trim(COALESCE(source, ''))) AS source_key,
           CASE WHEN lower(trim(COALESCE(job_type, ''))) LIKE '%cod%' THEN 'COD'
                WHEN lower(trim(COALESCE(job_type, ''))) LIKE '%ins%' THEN 'INS'
                ELSE 'OTHER' END AS segment,
           jobs,
           CASE WHEN lower(trim(COALESCE(job_type, ''))) IN ('cod service', 'ins service') THEN jobs ELSE 0 END AS units,
           CASE WHEN lower(trim(COALESCE(job_type, ''))) IN ('cod repair', 'ins repair') THEN jobs
                WHEN lower(trim(COALESCE(job_type, ''))) = 'cod service' THEN paid_over_100
                ELSE 0 END AS repairs,
           paid_cents AS revenue_cents, 0 AS leads, 0 AS pro_referral_leads, 0 AS calls
    FROM job_daily
    UNION ALL
    SELECT account_id, day, lower(trim(COALESCE(source, ''))),
           CASE WHEN lower(trim(COALESCE(lead_type, ''))) LIKE '%cod%' THEN 'COD'
                WHEN lower(trim(COALESCE(lead_type, ''))) LIKE '%ins%' THEN 'INS'
                ELSE 'OTHER' END,
           0, 0, 0, 0,
           CASE WHEN lower(trim(COALESCE(source, ''))) = 'pro referral'
                     AND lower(trim(COALESCE(status, ''))) = 'passed' THEN 0 ELSE leads END,
           CASE WHEN lower(trim(COALESCE(source, ''))) = 'pro referral'
                     AND lower(trim(COALESCE(status, ''))) <> 'passed' THEN leads ELSE 0 END,
           0
    FROM lead_daily
    UNION ALL
    SELECT account_id, day, lower(trim(COALESCE(source, ''))), NULL, 0, 0, 0, 0, 0, 0, calls
    FROM call_daily
) AS parts
GROUP BY account_id, day, source_key, segment;
