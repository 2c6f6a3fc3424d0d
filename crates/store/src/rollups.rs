//! The daily rollups: rebuilding the days that writes touched, and reading groups by bucket.

use sqlx::{AssertSqlSafe, Row};

use crate::backend::{Backend, Store};
use crate::error::StoreError;

/// What the reader wants the rollup groups keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    Day,
    /// Weeks starting on Monday.
    Week,
    Month,
    /// One group for the whole period.
    Whole,
}

/// The jobs of one bucket sharing type, source and status. `day` is the bucket's first day, or
/// the period's first day when the bucket starts before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobGroupRow {
    pub day: String,
    pub job_type: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub jobs: i64,
    pub paid_cents: i64,
    pub paid_over_100: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadGroupRow {
    pub day: String,
    pub lead_type: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub leads: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallGroupRow {
    pub day: String,
    pub source: Option<String>,
    pub calls: i64,
}

/// A payment with its job's source and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFactRow {
    pub day: String,
    pub amount_cents: i64,
    pub job_source: Option<String>,
    pub job_type: Option<String>,
}

/// Which rollup to read: its table, its group columns and the sums to take.
#[derive(Debug, Clone, Copy)]
struct RollupRead {
    rollup: &'static str,
    columns: &'static str,
    sums: &'static str,
}

/// How each rollup is rebuilt from its table: (kind, rollup, columns, aggregates).
const ROLLUPS: [(&str, &str, &str, &str); 3] = [
    (
        "jobs",
        "job_daily",
        "job_type, source, status",
        "COUNT(*), COALESCE(SUM(paid_cents), 0), SUM(CASE WHEN paid_cents > 10000 THEN 1 ELSE 0 END)",
    ),
    ("leads", "lead_daily", "lead_type, source, status", "COUNT(*)"),
    ("calls", "call_daily", "source", "COUNT(*)"),
];

/// On PostgreSQL a rebuild must not run between a write's marking of a day and its commit. The
/// marking trigger does nothing when the day is already marked, so a rebuild could take that
/// marker, sum the day without the uncommitted write, and leave the day clean but wrong once the
/// write commits. Writes hold this per-account advisory lock shared for their transaction, and a
/// rebuild holds it exclusively: it waits for the writes in flight, and new ones wait for it.
/// (SQLite has one writer at a time, and a rebuild is a write.)
const ROLLUP_LOCK: &str = "727275, hashtext($1)";

/// Takes the account's [`ROLLUP_LOCK`] for the rest of `tx`: shared for a write, exclusive for a
/// rebuild. Nothing to take on SQLite.
async fn hold_rollup_lock(
    backend: Backend,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account: &str,
    exclusive: bool,
) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        let function = if exclusive { "pg_advisory_xact_lock" } else { "pg_advisory_xact_lock_shared" };
        let lock = format!("SELECT {function}({ROLLUP_LOCK})");
        sqlx::query(AssertSqlSafe(lock)).bind(account.to_owned()).execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// A transaction for writing records that the rollups sum (see [`ROLLUP_LOCK`]).
    pub(crate) async fn begin_record_write(
        &self,
        account: &str,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        let mut tx = self.write.begin().await?;
        hold_rollup_lock(self.backend(), &mut tx, account, false).await?;
        Ok(tx)
    }

    /// Rebuilds every day that writes marked since the last rebuild. Each kind is one transaction
    /// that first takes the markers, so a write racing with it marks its day again.
    pub async fn refresh_rollups(&self, account: &str) -> Result<u64, StoreError> {
        let mut refreshed = 0;
        for (kind, rollup, columns, aggregates) in ROLLUPS {
            let mut tx = self.write.begin().await?;
            hold_rollup_lock(self.backend(), &mut tx, account, true).await?;
            let days: Vec<String> =
                sqlx::query_scalar("DELETE FROM dirty_days WHERE account_id = $1 AND kind = $2 RETURNING day")
                    .bind(account.to_owned())
                    .bind(kind)
                    .fetch_all(&mut *tx)
                    .await?;
            let days: Vec<String> = days.into_iter().filter(|d| !d.is_empty()).collect();
            let account_param = crate::upsert::placeholders(self.backend(), 1, 1);
            // A job is summed at METRICS.md's paid(job): its payment records when its record gives
            // no paid amount.
            let source = match kind {
                "jobs" => format!(
                    "(SELECT account_id, day, job_type, source, status, deleted_at, {} AS paid_cents FROM jobs) AS jobs",
                    crate::EFFECTIVE_PAID
                ),
                other => other.to_owned(),
            };
            for chunk in days.chunks(400) {
                let list = crate::upsert::placeholders(self.backend(), 2, chunk.len());
                let delete = format!("DELETE FROM {rollup} WHERE account_id = {account_param} AND day IN ({list})");
                let insert = format!(
                    "INSERT INTO {rollup} SELECT account_id, day, {columns}, {aggregates} FROM {source} \
                     WHERE account_id = {account_param} AND deleted_at IS NULL AND day IN ({list}) \
                     GROUP BY account_id, day, {columns}"
                );
                for sql in [delete, insert] {
                    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(account.to_owned());
                    for day in chunk {
                        query = query.bind(day.clone());
                    }
                    query.execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            refreshed += days.len() as u64;
        }
        if refreshed > 0 {
            tracing::debug!(account, days = refreshed, "daily rollups rebuilt");
        }
        Ok(refreshed)
    }

    /// Whether writes are waiting to be rolled up.
    pub async fn rollups_pending(&self, account: &str) -> Result<bool, StoreError> {
        let pending: Option<String> = sqlx::query_scalar("SELECT day FROM dirty_days WHERE account_id = $1 LIMIT 1")
            .bind(account.to_owned())
            .fetch_optional(&self.read)
            .await?;
        Ok(pending.is_some())
    }

    /// Whether the account has any payment record: without one, `collected` is unknown rather
    /// than zero. One row is enough to tell, so the table is not counted.
    pub async fn has_payments(&self, account: &str) -> Result<bool, StoreError> {
        let found: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM payments WHERE account_id = $1 AND deleted_at IS NULL LIMIT 1")
                .bind(account.to_owned())
                .fetch_optional(&self.read)
                .await?;
        Ok(found.is_some())
    }

    /// The SQL for a row's bucket: its first day, clamped to the period's first day (`$2`).
    fn bucket_expression(&self, grain: Grain) -> &'static str {
        match (grain, self.backend()) {
            (Grain::Day, _) => "day",
            (Grain::Whole, _) => "$2",
            (Grain::Month, _) => {
                "CASE WHEN substr(day, 1, 7) || '-01' < $2 THEN $2 ELSE substr(day, 1, 7) || '-01' END"
            }
            (Grain::Week, Backend::Sqlite) => {
                "CASE WHEN date(day, '-6 days', 'weekday 1') < $2 THEN $2 ELSE date(day, '-6 days', 'weekday 1') END"
            }
            (Grain::Week, Backend::Postgres) => {
                "CASE WHEN to_char(date_trunc('week', day::date), 'YYYY-MM-DD') < $2 THEN $2 \
                 ELSE to_char(date_trunc('week', day::date), 'YYYY-MM-DD') END"
            }
        }
    }

    /// Rollup groups of `from..=to` (days as text), keyed by bucket. Sums are cast to BIGINT:
    /// PostgreSQL sums BIGINT as NUMERIC. The bucket expression uses
    /// `$2` several times, so these statements keep numbered placeholders on both backends.
    async fn groups(
        &self,
        read: RollupRead,
        account: &str,
        from: &str,
        to: &str,
        grain: Grain,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let RollupRead { rollup, columns, sums } = read;
        let bucket = self.bucket_expression(grain);
        let sql = format!(
            "SELECT {bucket} AS bucket, {columns}, {sums} FROM {rollup} WHERE account_id = $1 AND day >= $2 AND day <= $3 \
             GROUP BY {bucket}, {columns}"
        );
        Ok(sqlx::query(AssertSqlSafe(sql))
            .bind(account.to_owned())
            .bind(from.to_owned())
            .bind(to.to_owned())
            .fetch_all(&self.read)
            .await?)
    }

    pub async fn job_groups(
        &self,
        account: &str,
        from: &str,
        to: &str,
        grain: Grain,
    ) -> Result<Vec<JobGroupRow>, StoreError> {
        let read = RollupRead {
            rollup: "job_daily",
            columns: "job_type, source, status",
            sums: "CAST(SUM(jobs) AS BIGINT) AS jobs, CAST(SUM(paid_cents) AS BIGINT) AS paid_cents, \
                   CAST(SUM(paid_over_100) AS BIGINT) AS paid_over_100",
        };
        let rows = self.groups(read, account, from, to, grain).await?;
        rows.iter()
            .map(|r| {
                Ok(JobGroupRow {
                    day: r.try_get("bucket")?,
                    job_type: r.try_get("job_type")?,
                    source: r.try_get("source")?,
                    status: r.try_get("status")?,
                    jobs: r.try_get("jobs")?,
                    paid_cents: r.try_get("paid_cents")?,
                    paid_over_100: r.try_get("paid_over_100")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    pub async fn lead_groups(
        &self,
        account: &str,
        from: &str,
        to: &str,
        grain: Grain,
    ) -> Result<Vec<LeadGroupRow>, StoreError> {
        let read = RollupRead {
            rollup: "lead_daily",
            columns: "lead_type, source, status",
            sums: "CAST(SUM(leads) AS BIGINT) AS leads",
        };
        let rows = self.groups(read, account, from, to, grain).await?;
        rows.iter()
            .map(|r| {
                Ok(LeadGroupRow {
                    day: r.try_get("bucket")?,
                    lead_type: r.try_get("lead_type")?,
                    source: r.try_get("source")?,
                    status: r.try_get("status")?,
                    leads: r.try_get("leads")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    pub async fn call_groups(
        &self,
        account: &str,
        from: &str,
        to: &str,
        grain: Grain,
    ) -> Result<Vec<CallGroupRow>, StoreError> {
        let read = RollupRead { rollup: "call_daily", columns: "source", sums: "CAST(SUM(calls) AS BIGINT) AS calls" };
        let rows = self.groups(read, account, from, to, grain).await?;
        rows.iter()
            .map(|r| {
                Ok(CallGroupRow { day: r.try_get("bucket")?, source: r.try_get("source")?, calls: r.try_get("calls")? })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Payments of `from..=to` with their job's source and type.
    pub async fn payment_facts(&self, account: &str, from: &str, to: &str) -> Result<Vec<PaymentFactRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.day AS day, p.amount_cents AS amount_cents, j.source AS source, j.job_type AS job_type \
             FROM payments p LEFT JOIN jobs j ON j.account_id = p.account_id AND j.uuid = p.job_uuid \
             WHERE p.account_id = $1 AND p.day >= $2 AND p.day <= $3 AND p.deleted_at IS NULL",
        )
        .bind(account.to_owned())
        .bind(from.to_owned())
        .bind(to.to_owned())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PaymentFactRow {
                    day: r.try_get("day")?,
                    amount_cents: r.try_get("amount_cents")?,
                    job_source: r.try_get("source")?,
                    job_type: r.try_get("job_type")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::{Grain, JobRow, Origin, Store};

    const DAY: &str = "2026-11-02";

    fn job(paid_cents: i64) -> JobRow {
        JobRow {
            uuid: "J1".to_owned(),
            serial_id: None,
            status: Some("Done".to_owned()),
            sub_status: None,
            job_type: Some("COD Service".to_owned()),
            source: Some("Google".to_owned()),
            scheduled_at: Some(format!("{DAY} 10:00:00")),
            created_at: None,
            day: Some(DAY.to_owned()),
            client_id: None,
            total_cents: Some(paid_cents),
            amount_due_cents: Some(0),
            paid_cents: Some(paid_cents),
            phone: None,
            team: None,
            origin: Origin::Api,
            raw: paid_cents.to_string(),
        }
    }

    /// A rebuild that starts while a write to an already marked day is in flight must not leave
    /// that day summed without the write.
    async fn a_rebuild_never_misses_a_write_in_flight(url: &str) {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let account = format!("in-flight-{nanos}");
        let writer = Store::connect(url).await.expect("writer");
        let rebuilder = Store::connect(url).await.expect("rebuilder");
        writer.upsert_jobs(&account, vec![job(1_000)]).await.expect("job");

        let mut tx = writer.begin_record_write(&account).await.expect("begin");
        sqlx::query("UPDATE jobs SET paid_cents = 2000 WHERE account_id = $1 AND uuid = 'J1'")
            .bind(account.clone())
            .execute(&mut *tx)
            .await
            .expect("update");
        let rebuild = tokio::spawn({
            let account = account.clone();
            async move { rebuilder.refresh_rollups(&account).await }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        tx.commit().await.expect("commit");
        rebuild.await.expect("rebuild ran").expect("rebuild");

        writer.refresh_rollups(&account).await.expect("refresh");
        let groups = writer.job_groups(&account, DAY, DAY, Grain::Day).await.expect("groups");
        assert_eq!(groups.iter().map(|g| g.paid_cents).sum::<i64>(), 2_000);
        writer.close().await;
    }

    #[tokio::test]
    async fn a_rebuild_never_misses_a_write_in_flight_on_both_backends() {
        let dir = tempfile::tempdir().expect("tempdir");
        a_rebuild_never_misses_a_write_in_flight(&format!("sqlite://{}", dir.path().join("r.db").display())).await;
        if let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") {
            a_rebuild_never_misses_a_write_in_flight(&url).await;
        }
    }
}
