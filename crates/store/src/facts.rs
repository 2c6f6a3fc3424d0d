//! Spend entries of a period, for the metrics engine.

use sqlx::Row;

use crate::backend::Store;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendFactRow {
    pub source: String,
    pub date_from: String,
    pub date_to: String,
    pub amount_cents: i64,
}

impl Store {
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
