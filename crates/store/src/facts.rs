//! The per-record facts the metrics engine computes from, for one period.

use sqlx::Row;

use crate::backend::Store;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFactRow {
    pub uuid: String,
    pub day: String,
    pub job_type: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub paid_cents: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadFactRow {
    pub uuid: String,
    pub day: String,
    pub lead_type: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendFactRow {
    pub source: String,
    pub date_from: String,
    pub date_to: String,
    pub amount_cents: i64,
}

impl Store {
    /// Live jobs whose day is within `from..=to` (days as `YYYY-MM-DD`).
    pub async fn job_facts(&self, account: &str, from: &str, to: &str) -> Result<Vec<JobFactRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT uuid, day, job_type, source, status, paid_cents FROM jobs \
             WHERE account_id = $1 AND day >= $2 AND day <= $3 AND deleted_at IS NULL",
        )
        .bind(account.to_owned())
        .bind(from.to_owned())
        .bind(to.to_owned())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(JobFactRow {
                    uuid: r.try_get("uuid")?,
                    day: r.try_get("day")?,
                    job_type: r.try_get("job_type")?,
                    source: r.try_get("source")?,
                    status: r.try_get("status")?,
                    paid_cents: r.try_get("paid_cents")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    pub async fn lead_facts(&self, account: &str, from: &str, to: &str) -> Result<Vec<LeadFactRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT uuid, day, lead_type, source, status FROM leads \
             WHERE account_id = $1 AND day >= $2 AND day <= $3 AND deleted_at IS NULL",
        )
        .bind(account.to_owned())
        .bind(from.to_owned())
        .bind(to.to_owned())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LeadFactRow {
                    uuid: r.try_get("uuid")?,
                    day: r.try_get("day")?,
                    lead_type: r.try_get("lead_type")?,
                    source: r.try_get("source")?,
                    status: r.try_get("status")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Spend entries that overlap `from..=to`.
    pub async fn spend_facts(&self, account: &str, from: &str, to: &str) -> Result<Vec<SpendFactRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT source, date_from, date_to, amount_cents FROM spend \
             WHERE account_id = $1 AND date_to >= $2 AND date_from <= $3 AND deleted_at IS NULL",
        )
        .bind(account.to_owned())
        .bind(from.to_owned())
        .bind(to.to_owned())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SpendFactRow {
                    source: r.try_get("source")?,
                    date_from: r.try_get("date_from")?,
                    date_to: r.try_get("date_to")?,
                    amount_cents: r.try_get("amount_cents")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}
