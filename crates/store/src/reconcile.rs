//! Reconciliation: what the stored records say that does not add up.

use sqlx::Row;

use crate::backend::Store;
use crate::error::StoreError;

/// A job whose paid amount (total − amount due, or the export's Amount Paid) differs from the sum
/// of its payment records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidMismatch {
    pub uuid: String,
    pub day: Option<String>,
    pub paid_cents: i64,
    pub payments_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    pub paid_mismatches: i64,
    /// The most recent ones, at most the limit asked for.
    pub examples: Vec<PaidMismatch>,
    pub calls_linked_to_jobs: i64,
    /// Calls whose `Job` UUID is not a stored job.
    pub calls_with_unknown_job: i64,
}

const MISMATCHES: &str = "FROM jobs j JOIN (SELECT job_uuid, CAST(SUM(amount_cents) AS BIGINT) AS total FROM payments \
     WHERE account_id = $1 AND deleted_at IS NULL GROUP BY job_uuid) AS s ON s.job_uuid = j.uuid \
     WHERE j.account_id = $1 AND j.deleted_at IS NULL AND j.paid_cents IS NOT NULL AND j.paid_cents <> s.total";

impl Store {
    pub async fn reconcile(&self, account: &str, limit: i64) -> Result<Reconciliation, StoreError> {
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {MISMATCHES}")))
            .bind(account.to_owned())
            .fetch_one(&self.read)
            .await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT j.uuid AS uuid, j.day AS day, j.paid_cents AS paid_cents, s.total AS total {MISMATCHES} \
             ORDER BY j.day DESC, j.uuid LIMIT $2"
        )))
        .bind(account.to_owned())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        let examples = rows
            .iter()
            .map(|r| {
                Ok(PaidMismatch {
                    uuid: r.try_get("uuid")?,
                    day: r.try_get("day")?,
                    paid_cents: r.try_get("paid_cents")?,
                    payments_cents: r.try_get("total")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        let linked = self.calls_linked_to_jobs(account).await?;
        let unknown: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM calls c WHERE c.account_id = $1 AND c.job_uuid IS NOT NULL AND c.deleted_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.account_id = c.account_id AND j.uuid = c.job_uuid)",
        )
        .bind(account.to_owned())
        .fetch_one(&self.read)
        .await?;
        Ok(Reconciliation {
            paid_mismatches: count,
            examples,
            calls_linked_to_jobs: linked,
            calls_with_unknown_job: unknown,
        })
    }

    /// Calls that name the job they led to.
    pub async fn calls_linked_to_jobs(&self, account: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM calls WHERE account_id = $1 AND job_uuid IS NOT NULL AND deleted_at IS NULL",
        )
        .bind(account.to_owned())
        .fetch_one(&self.read)
        .await?)
    }
}
