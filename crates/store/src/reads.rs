//! Writes by record type, and the reads that sync, status and tests need.

use std::collections::BTreeSet;

// Dynamic SQL here is built from the fixed table and column names above, never from input.
use sqlx::{AssertSqlSafe, Row};

use crate::backend::Store;
use crate::error::StoreError;
use crate::rows::{CallRow, ClientRow, JobRow, LeadRow, PaymentRow, SpendRow, TeamMemberRow, TimeOffRow};
use crate::upsert::{PreparedUpsert, UpsertCounts, placeholders};

/// A stored job with its bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredJob {
    pub row: JobRow,
    pub deleted_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLead {
    pub row: LeadRow,
    pub deleted_at: Option<String>,
}

/// Rows per table, live and marked deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceCounts {
    pub table: &'static str,
    pub live: i64,
    pub deleted: i64,
    /// The newest `updated_at`: when this table last changed.
    pub last_change: Option<String>,
}

/// The raw column of a read, or an empty text in its place.
const RAW: &str = "raw";
const NO_RAW: &str = "'' AS raw";

/// Tables whose records can vanish from Workiz and are soft-deleted.
/// Team members and time off come as a whole list each time, so what a list lacks is gone.
const SOFT_DELETE_TABLES: [(&str, &str); 4] =
    [("jobs", "uuid"), ("leads", "uuid"), ("team_members", "id"), ("time_off", "entry_key")];

impl Store {
    /// Jobs as statements for [`Store::write_prepared`], built without touching the database.
    pub fn prepare_jobs(&self, account: &str, rows: Vec<JobRow>) -> Result<PreparedUpsert, StoreError> {
        self.prepare(account, rows)
    }

    /// Leads as statements for [`Store::write_prepared`], built without touching the database.
    pub fn prepare_leads(&self, account: &str, rows: Vec<LeadRow>) -> Result<PreparedUpsert, StoreError> {
        self.prepare(account, rows)
    }

    pub async fn upsert_jobs(&self, account: &str, rows: Vec<JobRow>) -> Result<UpsertCounts, StoreError> {
        self.upsert(account, rows).await
    }

    pub async fn upsert_leads(&self, account: &str, rows: Vec<LeadRow>) -> Result<UpsertCounts, StoreError> {
        self.upsert(account, rows).await
    }

    pub async fn upsert_calls(&self, account: &str, rows: Vec<CallRow>) -> Result<UpsertCounts, StoreError> {
        self.upsert(account, rows).await
    }

    /// Payments, and in the same transaction the days of the jobs they pay whose record gives no
    /// paid amount: those jobs are paid the sum of their payment records, so their rollups change.
    /// A payment moved to another job changes the job it left too, so the days of the jobs the
    /// stored payments pay are marked before the rows are written.
    pub async fn upsert_payments(&self, account: &str, rows: Vec<PaymentRow>) -> Result<UpsertCounts, StoreError> {
        let jobs: BTreeSet<String> = rows.iter().filter_map(|p| p.job_uuid.clone()).collect();
        let payments: BTreeSet<String> = rows.iter().map(|p| p.payment_id.clone()).collect();
        let mut prepared = self.prepare(account, rows)?;
        for chunk in payments.into_iter().collect::<Vec<_>>().chunks(400) {
            let paid_jobs = format!(
                "SELECT job_uuid FROM payments WHERE account_id = {} AND payment_id IN ({})",
                placeholders(self.backend(), 2, 1),
                placeholders(self.backend(), 3, chunk.len()),
            );
            let args = [account, account].into_iter().map(str::to_owned).chain(chunk.iter().cloned()).collect();
            prepared.before(self.mark_unpaid_job_days(&paid_jobs), args)?;
        }
        for chunk in jobs.into_iter().collect::<Vec<_>>().chunks(400) {
            let listed = placeholders(self.backend(), 2, chunk.len());
            let args = std::iter::once(account.to_owned()).chain(chunk.iter().cloned()).collect();
            prepared.then(self.mark_unpaid_job_days(&listed), args)?;
        }
        self.write_prepared(prepared).await
    }

    /// Marks the days of the account's jobs (placeholder 1) whose uuid is in `uuids` (SQL whose
    /// placeholders start at 2) and whose record gives no paid amount.
    fn mark_unpaid_job_days(&self, uuids: &str) -> String {
        format!(
            "INSERT INTO dirty_days (account_id, kind, day) \
             SELECT DISTINCT account_id, 'jobs', COALESCE(day, '') FROM jobs \
             WHERE account_id = {} AND paid_cents IS NULL AND uuid IN ({uuids}) \
             ON CONFLICT (account_id, kind, day) DO NOTHING",
            placeholders(self.backend(), 1, 1),
        )
    }

    pub async fn upsert_spend(&self, account: &str, rows: Vec<SpendRow>) -> Result<UpsertCounts, StoreError> {
        self.upsert(account, rows).await
    }

    pub async fn upsert_team(&self, account: &str, rows: Vec<TeamMemberRow>) -> Result<UpsertCounts, StoreError> {
        self.upsert(account, rows).await
    }

    pub async fn upsert_time_off(&self, account: &str, rows: Vec<TimeOffRow>) -> Result<UpsertCounts, StoreError> {
        self.upsert(account, rows).await
    }

    pub async fn upsert_clients(&self, account: &str, rows: Vec<ClientRow>) -> Result<UpsertCounts, StoreError> {
        self.upsert(account, rows).await
    }

    /// Keys of the live rows a deep pass re-read and could have missed: synced from Workiz, with a
    /// day in `from_day..before_day`, and last written before `written_before` (the pass's start).
    ///
    /// Workiz lists records up to now only, so a record of `before_day` (today) or later, which a
    /// webhook or an export may have stored, is not in the listing; and a record written while the
    /// pass ran was written from a newer answer than the pass's pages.
    ///
    /// `job/all` selects jobs by their scheduled time, which is a job's day; a job without one is
    /// never taken. Which date `lead/all` selects leads by is not documented, so a lead is taken
    /// only when both its dates (scheduled, created) fall in the window.
    pub async fn live_keys_between(
        &self,
        account: &str,
        table: &str,
        from_day: &str,
        before_day: &str,
        written_before: &str,
    ) -> Result<Vec<String>, StoreError> {
        let (table, key) = soft_delete_table(table)?;
        let both_dates = if table == "leads" {
            "AND (scheduled_at IS NULL OR substr(scheduled_at, 1, 10) BETWEEN $2 AND $3) \
             AND (created_at IS NULL OR substr(created_at, 1, 10) BETWEEN $2 AND $3)"
        } else {
            // A job with no scheduled time has no place in a listing by scheduled time.
            "AND scheduled_at IS NOT NULL"
        };
        let sql = format!(
            "SELECT {key} FROM {table} WHERE account_id = $1 AND day >= $2 AND day < $3 AND updated_at < $4 \
             {both_dates} AND deleted_at IS NULL AND origin IN ('api', 'api+csv')"
        );
        Ok(sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(account.to_owned())
            .bind(from_day.to_owned())
            .bind(before_day.to_owned())
            .bind(written_before.to_owned())
            .fetch_all(&self.read)
            .await?)
    }

    /// Keys of every live row of a table that Workiz lists whole (team members, time off).
    pub async fn live_keys(&self, account: &str, table: &str) -> Result<Vec<String>, StoreError> {
        let (table, key) = soft_delete_table(table)?;
        let sql = format!("SELECT {key} FROM {table} WHERE account_id = $1 AND deleted_at IS NULL");
        Ok(sqlx::query_scalar(AssertSqlSafe(sql)).bind(account.to_owned()).fetch_all(&self.read).await?)
    }

    /// Marks rows deleted (never removes them), in batches.
    pub async fn mark_deleted(&self, account: &str, table: &str, keys: &[String]) -> Result<u64, StoreError> {
        let (table, key) = soft_delete_table(table)?;
        let now = crate::now_text();
        let mut marked = 0;
        for chunk in keys.chunks(500) {
            let sql = format!(
                "UPDATE {table} SET deleted_at = {} WHERE account_id = {} AND deleted_at IS NULL AND {key} IN ({})",
                placeholders(self.backend(), 1, 1),
                placeholders(self.backend(), 2, 1),
                placeholders(self.backend(), 3, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(now.clone()).bind(account.to_owned());
            for k in chunk {
                query = query.bind(k.clone());
            }
            let mut tx = self.begin_record_write(account).await?;
            marked += query.execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
        }
        Ok(marked)
    }

    /// Client ids referenced by jobs and leads that the clients table lacks, newest records first.
    pub async fn missing_client_ids(&self, account: &str, limit: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT client_id FROM (SELECT client_id, MAX(day) AS latest FROM \
             (SELECT client_id, day FROM jobs WHERE account_id = $1 UNION ALL \
              SELECT client_id, day FROM leads WHERE account_id = $1) AS refs \
             WHERE client_id IS NOT NULL AND client_id NOT IN (SELECT id FROM clients WHERE account_id = $1) \
             GROUP BY client_id) AS missing ORDER BY latest DESC, client_id LIMIT $2",
        )
        .bind(account.to_owned())
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// Client ids fetched longest ago, for a slow refresh.
    pub async fn stalest_client_ids(
        &self,
        account: &str,
        older_than: &str,
        limit: i64,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM clients WHERE account_id = $1 AND updated_at < $2 ORDER BY updated_at, id LIMIT $3",
        )
        .bind(account.to_owned())
        .bind(older_than.to_owned())
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn counts(&self, account: &str) -> Result<Vec<ResourceCounts>, StoreError> {
        let tables = ["jobs", "leads", "calls", "payments", "spend", "team_members", "time_off", "clients"];
        let mut counts = Vec::with_capacity(tables.len());
        for table in tables {
            let sql = format!(
                "SELECT SUM(CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END) AS live, \
                 SUM(CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END) AS deleted, MAX(updated_at) AS last_change \
                 FROM {table} WHERE account_id = $1"
            );
            let row = sqlx::query(AssertSqlSafe(sql)).bind(account.to_owned()).fetch_one(&self.read).await?;
            counts.push(ResourceCounts {
                table,
                live: row.try_get::<Option<i64>, _>("live")?.unwrap_or(0),
                deleted: row.try_get::<Option<i64>, _>("deleted")?.unwrap_or(0),
                last_change: row.try_get("last_change")?,
            });
        }
        Ok(counts)
    }

    pub async fn rejected_count(&self, account: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM rejected_records WHERE account_id = $1")
            .bind(account.to_owned())
            .fetch_one(&self.read)
            .await?)
    }

    /// Every job of the account, deleted ones included, by UUID.
    pub async fn jobs(&self, account: &str) -> Result<Vec<StoredJob>, StoreError> {
        self.jobs_where(account, "", None, RAW).await
    }

    /// The live jobs whose day is within `from..=to`, newest first: the records behind a number.
    /// Their `raw` is left empty: lists show the typed columns, and a year of raw records would
    /// be most of the memory such a list takes.
    pub async fn jobs_between(&self, account: &str, from: &str, to: &str) -> Result<Vec<StoredJob>, StoreError> {
        let filter = "AND deleted_at IS NULL AND day >= $2 AND day <= $3";
        self.jobs_where(account, filter, Some((from, to)), NO_RAW).await
    }

    async fn jobs_where(
        &self,
        account: &str,
        filter: &str,
        days: Option<(&str, &str)>,
        raw: &str,
    ) -> Result<Vec<StoredJob>, StoreError> {
        let order = if days.is_some() { "day DESC, uuid" } else { "uuid" };
        let sql = format!(
            "SELECT uuid, serial_id, status, sub_status, job_type, source, scheduled_at, created_at, day, client_id, \
             total_cents, amount_due_cents, {paid} AS paid_cents, phone, team, origin, {raw}, deleted_at \
             FROM jobs WHERE account_id = $1 {filter} ORDER BY {order}",
            paid = crate::EFFECTIVE_PAID,
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(account.to_owned());
        if let Some((from, to)) = days {
            query = query.bind(from.to_owned()).bind(to.to_owned());
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.iter()
            .map(|r| {
                Ok(StoredJob {
                    row: JobRow {
                        uuid: r.try_get("uuid")?,
                        serial_id: r.try_get("serial_id")?,
                        status: r.try_get("status")?,
                        sub_status: r.try_get("sub_status")?,
                        job_type: r.try_get("job_type")?,
                        source: r.try_get("source")?,
                        scheduled_at: r.try_get("scheduled_at")?,
                        created_at: r.try_get("created_at")?,
                        day: r.try_get("day")?,
                        client_id: r.try_get("client_id")?,
                        total_cents: r.try_get("total_cents")?,
                        amount_due_cents: r.try_get("amount_due_cents")?,
                        paid_cents: r.try_get("paid_cents")?,
                        phone: r.try_get("phone")?,
                        team: r.try_get("team")?,
                        origin: crate::Origin::of_stored(&r.try_get::<String, _>("origin")?),
                        raw: r.try_get("raw")?,
                    },
                    deleted_at: r.try_get("deleted_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Every lead of the account, deleted ones included, by UUID.
    pub async fn leads(&self, account: &str) -> Result<Vec<StoredLead>, StoreError> {
        self.leads_where(account, "", None, RAW).await
    }

    /// The live leads whose day is within `from..=to`, newest first, with `raw` left empty (as
    /// [`Store::jobs_between`]).
    pub async fn leads_between(&self, account: &str, from: &str, to: &str) -> Result<Vec<StoredLead>, StoreError> {
        let filter = "AND deleted_at IS NULL AND day >= $2 AND day <= $3";
        self.leads_where(account, filter, Some((from, to)), NO_RAW).await
    }

    async fn leads_where(
        &self,
        account: &str,
        filter: &str,
        days: Option<(&str, &str)>,
        raw: &str,
    ) -> Result<Vec<StoredLead>, StoreError> {
        let order = if days.is_some() { "day DESC, uuid" } else { "uuid" };
        let sql = format!(
            "SELECT uuid, serial_id, status, lead_type, source, scheduled_at, created_at, day, client_id, \
             phone_digits, total_cents, origin, {raw}, deleted_at FROM leads WHERE account_id = $1 {filter} ORDER BY {order}"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(account.to_owned());
        if let Some((from, to)) = days {
            query = query.bind(from.to_owned()).bind(to.to_owned());
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.iter()
            .map(|r| {
                Ok(StoredLead {
                    row: LeadRow {
                        uuid: r.try_get("uuid")?,
                        serial_id: r.try_get("serial_id")?,
                        status: r.try_get("status")?,
                        lead_type: r.try_get("lead_type")?,
                        source: r.try_get("source")?,
                        scheduled_at: r.try_get("scheduled_at")?,
                        created_at: r.try_get("created_at")?,
                        day: r.try_get("day")?,
                        client_id: r.try_get("client_id")?,
                        phone_digits: r.try_get("phone_digits")?,
                        total_cents: r.try_get("total_cents")?,
                        origin: crate::Origin::of_stored(&r.try_get::<String, _>("origin")?),
                        raw: r.try_get("raw")?,
                    },
                    deleted_at: r.try_get("deleted_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Rows per origin (`api`, `csv`, `api+csv`) of a table, by origin.
    pub async fn origin_counts(&self, account: &str, table: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let (table, _) = soft_delete_table(table)?;
        let sql =
            format!("SELECT origin, COUNT(*) AS n FROM {table} WHERE account_id = $1 GROUP BY origin ORDER BY origin");
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(account.to_owned()).fetch_all(&self.read).await?;
        rows.iter()
            .map(|r| Ok((r.try_get("origin")?, r.try_get("n")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    /// How many rows a table holds for the account (deleted included).
    pub async fn row_count(&self, account: &str, table: &str) -> Result<i64, StoreError> {
        let tables = ["jobs", "leads", "calls", "payments", "spend", "team_members", "time_off", "clients"];
        let Some(table) = tables.iter().find(|t| **t == table) else {
            return Err(StoreError::Query(sqlx::Error::Protocol(format!("unknown table {table}"))));
        };
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE account_id = $1");
        Ok(sqlx::query_scalar(AssertSqlSafe(sql)).bind(account.to_owned()).fetch_one(&self.read).await?)
    }
}

fn soft_delete_table(table: &str) -> Result<(&'static str, &'static str), StoreError> {
    SOFT_DELETE_TABLES
        .iter()
        .find(|(t, _)| *t == table)
        .copied()
        .ok_or_else(|| StoreError::Query(sqlx::Error::Protocol(format!("{table} has no soft delete"))))
}
