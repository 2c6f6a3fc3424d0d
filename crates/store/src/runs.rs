//! The sync run log and the rejected records.

use sqlx::Row;

use crate::backend::Store;
use crate::error::StoreError;
use crate::rows::Rejected;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// The default pass over the recent window.
    Recent,
    /// A long window, noticing deletions.
    Deep,
}

impl RunMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recent => "recent",
            Self::Deep => "deep",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    Ok,
    Failed,
    /// The process stopped without finishing it (killed, crashed).
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "running" => Self::Running,
            "ok" => Self::Ok,
            "failed" => Self::Failed,
            _ => Self::Interrupted,
        }
    }
}

/// The counters of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunTotals {
    pub pages: u64,
    pub requests: u64,
    pub throttled: u64,
    pub seen: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub deleted: u64,
}

/// One line of the run log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub id: i64,
    pub resource: String,
    pub mode: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: RunStatus,
    pub totals: RunTotals,
    pub error: Option<String>,
}

impl std::ops::AddAssign<crate::UpsertCounts> for RunTotals {
    fn add_assign(&mut self, counts: crate::UpsertCounts) {
        self.inserted += counts.inserted;
        self.updated += counts.updated;
        self.unchanged += counts.unchanged;
    }
}

fn fingerprint(rejected: &Rejected) -> String {
    match &rejected.key {
        Some(key) => format!("key:{key}"),
        None => format!("raw:{:016x}", crate::fnv1a(rejected.raw.bytes())),
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    pub async fn start_run(
        &self,
        account: &str,
        resource: &str,
        mode: RunMode,
        holder: &str,
    ) -> Result<i64, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sync_runs (account_id, resource, mode, holder, started_at, status) \
             VALUES ($1, $2, $3, $4, $5, 'running') RETURNING id",
        )
        .bind(account.to_owned())
        .bind(resource.to_owned())
        .bind(mode.as_str())
        .bind(holder.to_owned())
        .bind(crate::now_text())
        .fetch_one(&self.write)
        .await?;
        Ok(id)
    }

    /// Records progress so far, so that a run killed later still shows what it did.
    pub async fn update_run(&self, id: i64, totals: &RunTotals) -> Result<(), StoreError> {
        self.write_run(id, totals, None, None).await
    }

    pub async fn finish_run(&self, id: i64, totals: &RunTotals, error: Option<&str>) -> Result<(), StoreError> {
        let status = if error.is_some() { RunStatus::Failed } else { RunStatus::Ok };
        self.write_run(id, totals, Some(status), error).await
    }

    /// Ends a run that was asked to stop before it finished (a shutdown, Ctrl-C): what it wrote is
    /// kept, and the next pass re-reads the rest.
    pub async fn interrupt_run(&self, id: i64, totals: &RunTotals, reason: &str) -> Result<(), StoreError> {
        self.write_run(id, totals, Some(RunStatus::Interrupted), Some(reason)).await
    }

    async fn write_run(
        &self,
        id: i64,
        t: &RunTotals,
        status: Option<RunStatus>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let finished = status.map(|_| crate::now_text());
        sqlx::query(
            "UPDATE sync_runs SET pages = $1, requests = $2, throttled = $3, seen = $4, inserted = $5, updated = $6, \
             unchanged = $7, rejected = $8, deleted = $9, status = COALESCE($10, status), \
             finished_at = COALESCE($11, finished_at), error = COALESCE($12, error) WHERE id = $13",
        )
        .bind(to_i64(t.pages))
        .bind(to_i64(t.requests))
        .bind(to_i64(t.throttled))
        .bind(to_i64(t.seen))
        .bind(to_i64(t.inserted))
        .bind(to_i64(t.updated))
        .bind(to_i64(t.unchanged))
        .bind(to_i64(t.rejected))
        .bind(to_i64(t.deleted))
        .bind(status.map(RunStatus::as_str))
        .bind(finished)
        .bind(error.map(str::to_owned))
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Marks runs still "running" for this account as interrupted: called by the holder of the
    /// sync lease, so no live run can be among them.
    pub async fn mark_interrupted_runs(&self, account: &str) -> Result<u64, StoreError> {
        let result = sqlx::query(
            "UPDATE sync_runs SET status = 'interrupted', finished_at = $1, \
             error = 'the process stopped before the run finished' WHERE account_id = $2 AND status = 'running'",
        )
        .bind(crate::now_text())
        .bind(account.to_owned())
        .execute(&self.write)
        .await?;
        Ok(result.rows_affected())
    }

    /// The latest runs, newest first.
    pub async fn runs(&self, account: &str, limit: i64) -> Result<Vec<RunSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, resource, mode, started_at, finished_at, status, pages, requests, throttled, seen, inserted, \
             updated, unchanged, rejected, deleted, error FROM sync_runs WHERE account_id = $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(account.to_owned())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let n = |c: &str| r.try_get::<i64, _>(c).map(|v| v.max(0) as u64);
                Ok(RunSummary {
                    id: r.try_get("id")?,
                    resource: r.try_get("resource")?,
                    mode: r.try_get("mode")?,
                    started_at: r.try_get("started_at")?,
                    finished_at: r.try_get("finished_at")?,
                    status: RunStatus::parse(&r.try_get::<String, _>("status")?),
                    totals: RunTotals {
                        pages: n("pages")?,
                        requests: n("requests")?,
                        throttled: n("throttled")?,
                        seen: n("seen")?,
                        inserted: n("inserted")?,
                        updated: n("updated")?,
                        unchanged: n("unchanged")?,
                        rejected: n("rejected")?,
                        deleted: n("deleted")?,
                    },
                    error: r.try_get("error")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Keeps records that could not be read. The same record seen again is counted, not doubled.
    pub async fn reject(&self, account: &str, resource: &str, rejected: &[Rejected]) -> Result<(), StoreError> {
        if rejected.is_empty() {
            return Ok(());
        }
        let now = crate::now_text();
        // A statement each keeps the SQL simple (a record seen twice in one call is counted twice);
        // one transaction keeps a file of thousands of bad lines from committing each of them.
        let mut tx = self.write.begin().await?;
        for record in rejected {
            sqlx::query(
                "INSERT INTO rejected_records (account_id, resource, fingerprint, record_key, reason, raw, \
                 first_seen_at, last_seen_at, times_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) \
                 ON CONFLICT (account_id, resource, fingerprint) DO UPDATE SET reason = excluded.reason, \
                 raw = excluded.raw, last_seen_at = excluded.last_seen_at, \
                 times_seen = rejected_records.times_seen + 1",
            )
            .bind(account.to_owned())
            .bind(resource.to_owned())
            .bind(fingerprint(record))
            .bind(record.key.clone())
            .bind(record.reason.clone())
            .bind(record.raw.clone())
            .bind(now.clone())
            .bind(now.clone())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Rejected records of a resource: (key, reason, raw).
    pub async fn rejected(&self, account: &str, resource: &str) -> Result<Vec<Rejected>, StoreError> {
        let rows = sqlx::query(
            "SELECT record_key, reason, raw FROM rejected_records WHERE account_id = $1 AND resource = $2 \
             ORDER BY last_seen_at DESC",
        )
        .bind(account.to_owned())
        .bind(resource.to_owned())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Rejected { key: r.try_get("record_key")?, reason: r.try_get("reason")?, raw: r.try_get("raw")? })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}
