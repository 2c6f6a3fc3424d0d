-- Daily rollups: the records of a day grouped by what the metrics need, so that a report over
-- months reads thousands of rows instead of millions. Triggers mark the days a write touched;
-- the store rebuilds those days (after a sync, and before a report reads them).
CREATE TABLE dirty_days (
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    PRIMARY KEY (account_id, kind, day)
);

CREATE TABLE job_daily (
    account_id TEXT NOT NULL,
    day TEXT NOT NULL,
    job_type TEXT,
    source TEXT,
    status TEXT,
    jobs BIGINT NOT NULL,
    paid_cents BIGINT NOT NULL,
    paid_over_100 BIGINT NOT NULL
);
CREATE INDEX job_daily_by_day ON job_daily (account_id, day);

CREATE TABLE lead_daily (
    account_id TEXT NOT NULL,
    day TEXT NOT NULL,
    lead_type TEXT,
    source TEXT,
    status TEXT,
    leads BIGINT NOT NULL
);
CREATE INDEX lead_daily_by_day ON lead_daily (account_id, day);

CREATE TABLE call_daily (
    account_id TEXT NOT NULL,
    day TEXT NOT NULL,
    source TEXT,
    calls BIGINT NOT NULL
);
CREATE INDEX call_daily_by_day ON call_daily (account_id, day);

CREATE FUNCTION mark_dirty_day() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO dirty_days (account_id, kind, day) VALUES (OLD.account_id, TG_TABLE_NAME, COALESCE(OLD.day, ''))
        ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO dirty_days (account_id, kind, day) VALUES (NEW.account_id, TG_TABLE_NAME, COALESCE(NEW.day, ''))
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER jobs_dirty AFTER INSERT OR DELETE OR UPDATE OF day, job_type, source, status, paid_cents, deleted_at ON jobs FOR EACH ROW EXECUTE FUNCTION mark_dirty_day();
CREATE TRIGGER leads_dirty AFTER INSERT OR DELETE OR UPDATE OF day, lead_type, source, status, deleted_at ON leads FOR EACH ROW EXECUTE FUNCTION mark_dirty_day();
CREATE TRIGGER calls_dirty AFTER INSERT OR DELETE OR UPDATE OF day, source, deleted_at ON calls FOR EACH ROW EXECUTE FUNCTION mark_dirty_day();

-- Views that expose METRICS.md's per-record rules to BI tools (Metabase, Grafana). They use the
-- same definitions as the metrics engine (a test checks that they agree record by record):
-- keys compare trimmed and case-insensitive; COD is tested before INS; a COD Service job paid more
-- than 100.00 is also a repair; Pro Referral leads that were Passed are not leads. Source aliases
-- and excluded statuses are settings of the product, not of the database: apply them in the tool.
CREATE VIEW job_facts AS
SELECT account_id, uuid, day, source, job_type, status, paid_cents,
       CASE WHEN lower(trim(COALESCE(job_type, ''))) LIKE '%cod%' THEN 'COD'
            WHEN lower(trim(COALESCE(job_type, ''))) LIKE '%ins%' THEN 'INS'
            ELSE 'OTHER' END AS segment,
       CASE WHEN lower(trim(COALESCE(job_type, ''))) IN ('cod service', 'ins service') THEN 1 ELSE 0 END AS is_unit,
       CASE WHEN lower(trim(COALESCE(job_type, ''))) IN ('cod repair', 'ins repair')
                 OR (lower(trim(COALESCE(job_type, ''))) = 'cod service' AND paid_cents > 10000) THEN 1 ELSE 0 END AS is_repair
FROM jobs WHERE deleted_at IS NULL;

CREATE VIEW lead_facts AS
SELECT account_id, uuid, day, source, lead_type, status,
       CASE WHEN lower(trim(COALESCE(lead_type, ''))) LIKE '%cod%' THEN 'COD'
            WHEN lower(trim(COALESCE(lead_type, ''))) LIKE '%ins%' THEN 'INS'
            ELSE 'OTHER' END AS segment,
       CASE WHEN lower(trim(COALESCE(source, ''))) = 'pro referral'
                 AND lower(trim(COALESCE(status, ''))) = 'passed' THEN 0 ELSE 1 END AS counts_as_lead,
       CASE WHEN lower(trim(COALESCE(source, ''))) = 'pro referral'
                 AND lower(trim(COALESCE(status, ''))) <> 'passed' THEN 1 ELSE 0 END AS is_pro_referral_lead
FROM leads WHERE deleted_at IS NULL;

-- Per day, source (trimmed, lower case; '' for none) and segment (NULL for calls), from the daily
-- rollups: what a dashboard sums over a period.
CREATE VIEW daily_slices AS
SELECT account_id, day, source_key, segment,
       SUM(jobs) AS jobs, SUM(units) AS units, SUM(repairs) AS repairs, SUM(revenue_cents) AS revenue_cents,
       SUM(leads) AS leads, SUM(pro_referral_leads) AS pro_referral_leads, SUM(calls) AS calls
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
