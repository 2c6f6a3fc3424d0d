-- METRICS.md: a job whose record gives no paid amount (neither total and amount due, nor the
-- export's Amount Paid) is paid the sum of its payment records. `job_facts` says so; the daily
-- rollups and the store's reads apply the same rule (`store::EFFECTIVE_PAID`).
DROP VIEW job_facts;

CREATE VIEW job_facts AS
SELECT account_id, uuid, day, source, job_type, status, paid_cents,
       CASE WHEN lower(trim(COALESCE(job_type, ''))) LIKE '%cod%' THEN 'COD'
            WHEN lower(trim(COALESCE(job_type, ''))) LIKE '%ins%' THEN 'INS'
            ELSE 'OTHER' END AS segment,
       CASE WHEN lower(trim(COALESCE(job_type, ''))) IN ('cod service', 'ins service') THEN 1 ELSE 0 END AS is_unit,
       CASE WHEN lower(trim(COALESCE(job_type, ''))) IN ('cod repair', 'ins repair')
                 OR (lower(trim(COALESCE(job_type, ''))) = 'cod service' AND paid_cents > 10000) THEN 1 ELSE 0 END AS is_repair
FROM (
    SELECT account_id, uuid, day, source, job_type, status,
           COALESCE(paid_cents, (SELECT CAST(SUM(p.amount_cents) AS BIGINT) FROM payments p
                                 WHERE p.account_id = jobs.account_id AND p.job_uuid = jobs.uuid
                                   AND p.deleted_at IS NULL)) AS paid_cents
    FROM jobs WHERE deleted_at IS NULL
) AS live_jobs;
