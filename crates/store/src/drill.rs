//! The records behind a number, for the API's drill-down: live rows of a period.

use sqlx::Row;

use crate::backend::Store;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    pub call_id: String,
    pub started_at: Option<String>,
    pub day: Option<String>,
    pub source: Option<String>,
    pub answered: Option<bool>,
    pub job_uuid: Option<String>,
    pub duration_secs: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub payment_id: String,
    pub job_uuid: Option<String>,
    pub day: Option<String>,
    pub amount_cents: i64,
    pub method: Option<String>,
    pub job_source: Option<String>,
    pub job_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendRecord {
    pub source: String,
    pub date_from: String,
    pub date_to: String,
    pub campaign: String,
    pub amount_cents: i64,
}

/// Sync runs per resource and status, for `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunCounts {
    pub resource: String,
    pub status: String,
    pub runs: i64,
    pub seen: i64,
    pub rejected: i64,
    pub throttled: i64,
}

impl Store {
    pub async fn calls_between(&self, account: &str, from: &str, to: &str) -> Result<Vec<CallRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT call_id, started_at, day, source, job_uuid, duration_secs, \
             CASE WHEN answered IS NULL THEN NULL WHEN answered THEN 1 ELSE 0 END AS answered FROM calls \
             WHERE account_id = $1 AND deleted_at IS NULL AND day >= $2 AND day <= $3 ORDER BY started_at DESC, call_id",
        )
        .bind(account.to_owned())
        .bind(from.to_owned())
        .bind(to.to_owned())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CallRecord {
                    call_id: r.try_get("call_id")?,
                    started_at: r.try_get("started_at")?,
                    day: r.try_get("day")?,
                    source: r.try_get("source")?,
                    // Stored as BOOLEAN on PostgreSQL and 0/1 on SQLite: read as 0/1 on both.
                    answered: r.try_get::<Option<i32>, _>("answered")?.map(|a| a != 0),
                    job_uuid: r.try_get("job_uuid")?,
                    duration_secs: r.try_get("duration_secs")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    pub async fn payments_between(
        &self,
        account: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<PaymentRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.payment_id AS payment_id, p.job_uuid AS job_uuid, p.day AS day, p.amount_cents AS amount_cents, \
             p.method AS method, j.source AS source, j.job_type AS job_type \
             FROM payments p LEFT JOIN jobs j ON j.account_id = p.account_id AND j.uuid = p.job_uuid \
             WHERE p.account_id = $1 AND p.deleted_at IS NULL AND p.day >= $2 AND p.day <= $3 \
             ORDER BY p.day DESC, p.payment_id",
        )
        .bind(account.to_owned())
        .bind(from.to_owned())
        .bind(to.to_owned())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PaymentRecord {
                    payment_id: r.try_get("payment_id")?,
                    job_uuid: r.try_get("job_uuid")?,
                    day: r.try_get("day")?,
                    amount_cents: r.try_get("amount_cents")?,
                    method: r.try_get("method")?,
                    job_source: r.try_get("source")?,
                    job_type: r.try_get("job_type")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Spend entries overlapping `from..=to`.
    pub async fn spend_between(&self, account: &str, from: &str, to: &str) -> Result<Vec<SpendRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT source, date_from, date_to, campaign, amount_cents FROM spend \
             WHERE account_id = $1 AND deleted_at IS NULL AND date_to >= $2 AND date_from <= $3 \
             ORDER BY date_from, source, campaign",
        )
        .bind(account.to_owned())
        .bind(from.to_owned())
        .bind(to.to_owned())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SpendRecord {
                    source: r.try_get("source")?,
                    date_from: r.try_get("date_from")?,
                    date_to: r.try_get("date_to")?,
                    campaign: r.try_get("campaign")?,
                    amount_cents: r.try_get("amount_cents")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    pub async fn run_counts(&self, account: &str) -> Result<Vec<RunCounts>, StoreError> {
        let rows = sqlx::query(
            "SELECT resource, status, COUNT(*) AS runs, CAST(SUM(seen) AS BIGINT) AS seen, \
             CAST(SUM(rejected) AS BIGINT) AS rejected, CAST(SUM(throttled) AS BIGINT) AS throttled \
             FROM sync_runs WHERE account_id = $1 GROUP BY resource, status ORDER BY resource, status",
        )
        .bind(account.to_owned())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RunCounts {
                    resource: r.try_get("resource")?,
                    status: r.try_get("status")?,
                    runs: r.try_get("runs")?,
                    seen: r.try_get::<Option<i64>, _>("seen")?.unwrap_or(0),
                    rejected: r.try_get::<Option<i64>, _>("rejected")?.unwrap_or(0),
                    throttled: r.try_get::<Option<i64>, _>("throttled")?.unwrap_or(0),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}
