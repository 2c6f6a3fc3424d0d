//! Batched upserts shared by every table: one `SELECT` of the stored hashes and one multi-row
//! `INSERT … ON CONFLICT DO UPDATE` per batch, on either backend.

use std::collections::HashMap;

use sqlx::any::AnyArguments;
// Dynamic SQL here is built from the fixed table and column names above, never from input.
use sqlx::{Arguments, AssertSqlSafe, Row};

use crate::backend::{Backend, Store};
use crate::error::StoreError;
use crate::rows::Origin;

/// A column value, in the few types both backends share.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
}

impl Val {
    pub fn text(value: String) -> Self {
        Self::Text(Some(value))
    }

    fn bind(self, args: &mut AnyArguments) -> Result<(), sqlx::error::BoxDynError> {
        match self {
            Self::Text(v) => args.add(v),
            Self::Int(v) => args.add(v),
            Self::Bool(v) => args.add(v),
        }
    }
}

/// A table's key and typed columns (the bookkeeping columns are the same everywhere).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableDef {
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub columns: &'static [&'static str],
    /// Records that both the API and CSV exports carry (jobs, leads): merged, the API winning.
    pub merges_exports: bool,
}

pub(crate) trait Upsertable {
    const TABLE: TableDef;
    /// The key columns joined by `|`.
    fn key(&self) -> String;
    fn raw(&self) -> &str;
    fn origin(&self) -> Origin;
    /// The key values, then the typed columns, in `TABLE` order.
    fn values(self) -> Vec<Val>;
}

/// What a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl std::ops::AddAssign for UpsertCounts {
    fn add_assign(&mut self, other: Self) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// FNV-1a of the origin and raw text: a change of either is a change of the record.
fn fingerprint(origin: Origin, raw: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in origin.as_str().bytes().chain([0u8]).chain(raw.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash as i64
}

/// The update of a record from its own source: every column replaced, when the raw record changed
/// or the row was marked deleted. An API record landing on a CSV-imported one takes over, and the
/// row remembers that it had both.
fn replace_update(table: TableDef) -> (String, String) {
    let name = table.name;
    let mut sets: Vec<String> = table
        .columns
        .iter()
        .chain(&["raw", "raw_hash", "updated_at", "deleted_at"])
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    sets.push(format!(
        "origin = CASE WHEN {name}.origin IN ('csv', 'api+csv') AND excluded.origin = 'api' THEN 'api+csv' ELSE excluded.origin END"
    ));
    (sets.join(", "), format!("{name}.raw_hash <> excluded.raw_hash OR {name}.deleted_at IS NOT NULL"))
}

/// The update of a job or lead from a CSV export: a row only the export knows is replaced; on a row
/// the API knows, the API's fields win and the export only fills what the API left empty. The
/// export's row is kept in `csv_raw` either way, and a row the API marked deleted stays deleted.
fn csv_merge_update(table: TableDef) -> (String, String) {
    let name = table.name;
    let only_csv = format!("{name}.origin = 'csv'");
    let mut sets: Vec<String> = table
        .columns
        .iter()
        .map(|c| format!("{c} = CASE WHEN {only_csv} THEN excluded.{c} ELSE COALESCE({name}.{c}, excluded.{c}) END"))
        .collect();
    for c in ["raw", "raw_hash"] {
        sets.push(format!("{c} = CASE WHEN {only_csv} THEN excluded.{c} ELSE {name}.{c} END"));
    }
    sets.push("csv_raw = excluded.csv_raw".to_owned());
    sets.push(format!("origin = CASE WHEN {only_csv} THEN 'csv' ELSE 'api+csv' END"));
    sets.push("updated_at = excluded.updated_at".to_owned());
    sets.push(format!("deleted_at = CASE WHEN {only_csv} THEN NULL ELSE {name}.deleted_at END"));
    let changed =
        format!("COALESCE({name}.csv_raw, '') <> excluded.csv_raw OR ({only_csv} AND {name}.deleted_at IS NOT NULL)");
    (sets.join(", "), changed)
}

/// `count` placeholders numbered from `start`. SQLite gets plain `?`: sqlx resolves every `$n`
/// by looking up parameter names, which is quadratic in a 2,000-parameter batch (it took 40 % of
/// a sync's CPU); `?` binds by position. The statement must then use each parameter once, in order.
pub(crate) fn placeholders(backend: Backend, start: usize, count: usize) -> String {
    match backend {
        Backend::Sqlite => vec!["?"; count].join(", "),
        Backend::Postgres => (start..start + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", "),
    }
}

impl Store {
    /// Upserts a batch in one statement. A row whose raw record did not change is not rewritten
    /// (the `WHERE` of the update) and is counted as unchanged; a row marked deleted comes back to
    /// life when it is seen again. `RETURNING` tells the rows written apart: an inserted row's
    /// `first_seen_at` is this batch's own timestamp.
    pub(crate) async fn upsert<R: Upsertable>(&self, account: &str, rows: Vec<R>) -> Result<UpsertCounts, StoreError> {
        if rows.is_empty() {
            return Ok(UpsertCounts::default());
        }
        let table = R::TABLE;
        let total = rows.len() as u64;
        // The last version of a key in the batch wins; PostgreSQL refuses to update a row twice
        // in one statement.
        let mut latest: HashMap<String, usize> = HashMap::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            latest.insert(row.key(), i);
        }
        let now = crate::now_text();
        // A batch comes from one source (a sync page, a file, a webhook): its first row says which.
        let rows_origin = rows.first().map(Upsertable::origin);
        let csv_merge = table.merges_exports && rows_origin == Some(Origin::Csv);
        let mut args = AnyArguments::default();
        let mut tuples = Vec::with_capacity(latest.len());
        let width = 1 + table.keys.len() + table.columns.len() + 6 + usize::from(csv_merge);
        for (i, row) in rows.into_iter().enumerate() {
            if latest.get(&row.key()) != Some(&i) {
                continue;
            }
            let hash = fingerprint(row.origin(), row.raw());
            let origin = row.origin().as_str();
            let raw = row.raw().to_owned();
            let start = tuples.len() * width + 1;
            tuples.push(format!("({})", placeholders(self.backend(), start, width)));
            let bind =
                |args: &mut AnyArguments, v: Val| v.bind(args).map_err(|e| StoreError::Query(sqlx::Error::Encode(e)));
            bind(&mut args, Val::text(account.to_owned()))?;
            for value in row.values() {
                bind(&mut args, value)?;
            }
            bind(&mut args, Val::text(origin.to_owned()))?;
            if csv_merge {
                bind(&mut args, Val::text(raw.clone()))?;
            }
            bind(&mut args, Val::text(raw))?;
            bind(&mut args, Val::Int(Some(hash)))?;
            bind(&mut args, Val::text(now.clone()))?;
            bind(&mut args, Val::text(now.clone()))?;
            bind(&mut args, Val::Text(None))?;
        }
        let mut columns = vec!["account_id"];
        columns.extend(table.keys);
        columns.extend(table.columns);
        columns.push("origin");
        if csv_merge {
            columns.push("csv_raw");
        }
        columns.extend(["raw", "raw_hash", "first_seen_at", "updated_at", "deleted_at"]);
        let (updates, changed) = if csv_merge { csv_merge_update(table) } else { replace_update(table) };
        let sql = format!(
            "INSERT INTO {name} ({}) VALUES {} ON CONFLICT (account_id, {}) DO UPDATE SET {} \
             WHERE {changed} RETURNING first_seen_at",
            columns.join(", "),
            tuples.join(", "),
            table.keys.join(", "),
            updates,
            name = table.name,
        );
        let query = sqlx::query_with(AssertSqlSafe(sql), args);
        // A webhook has been answered once it is stored, and Workiz will not send it again: its
        // rows wait for the WAL flush that the sync's sessions skip (see `postgres_session`).
        let durable = self.backend() == Backend::Postgres && rows_origin == Some(Origin::Webhook);
        let written = if durable {
            let mut tx = self.write.begin().await?;
            sqlx::query("SET LOCAL synchronous_commit = on").execute(&mut *tx).await?;
            let written = query.fetch_all(&mut *tx).await?;
            tx.commit().await?;
            written
        } else {
            query.fetch_all(&self.write).await?
        };
        let mut counts = UpsertCounts::default();
        for row in &written {
            if row.try_get::<String, _>("first_seen_at")? == now {
                counts.inserted += 1;
            } else {
                counts.updated += 1;
            }
        }
        counts.unchanged = total - counts.inserted - counts.updated;
        Ok(counts)
    }
}
