//! Batched upserts shared by every table: multi-row `INSERT … ON CONFLICT DO UPDATE` statements,
//! a batch per transaction, on either backend.

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

impl From<String> for Val {
    fn from(value: String) -> Self {
        Self::Text(Some(value))
    }
}

impl From<Option<String>> for Val {
    fn from(value: Option<String>) -> Self {
        Self::Text(value)
    }
}

impl From<i64> for Val {
    fn from(value: i64) -> Self {
        Self::Int(Some(value))
    }
}

impl From<Option<i64>> for Val {
    fn from(value: Option<i64>) -> Self {
        Self::Int(value)
    }
}

impl From<Option<bool>> for Val {
    fn from(value: Option<bool>) -> Self {
        Self::Bool(value)
    }
}

impl Val {
    fn bind(self, args: &mut AnyArguments) -> Result<(), StoreError> {
        match self {
            Self::Text(v) => args.add(v),
            Self::Int(v) => args.add(v),
            Self::Bool(v) => args.add(v),
        }
        .map_err(|e| StoreError::Query(sqlx::Error::Encode(e)))
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
    /// The key values, then the typed columns, in `TABLE` order; and the raw record, moved out
    /// rather than copied.
    fn into_values(self) -> (Vec<Val>, String);
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
    crate::fnv1a(origin.as_str().bytes().chain([0u8]).chain(raw.bytes())) as i64
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

/// The most rows in one statement. SQLite takes 32,766 parameters, PostgreSQL 65,535; the widest
/// table binds 24 per row.
const STATEMENT_ROWS: usize = 500;

/// The rows of a batch, without the earlier versions of a key that appears twice: the last version
/// wins, and PostgreSQL refuses to update a row twice in one statement.
fn latest_of_each_key<R: Upsertable>(rows: Vec<R>) -> Vec<R> {
    let mut latest: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        latest.insert(row.key(), i);
    }
    if latest.len() == rows.len() {
        return rows;
    }
    rows.into_iter().enumerate().filter(|(i, row)| latest.get(&row.key()) == Some(i)).map(|(_, row)| row).collect()
}

/// What every statement of a batch shares: its columns, its update, and how the rows written are
/// counted.
struct BatchShape {
    table: TableDef,
    csv_merge: bool,
    /// This batch's timestamp: `first_seen_at` of the rows it inserts, `updated_at` of every row it
    /// writes.
    now: String,
    /// `INSERT INTO t (columns) VALUES`
    head: String,
    /// ` ON CONFLICT … DO UPDATE …`
    tail: String,
}

impl BatchShape {
    fn new(backend: Backend, table: TableDef, csv_merge: bool) -> Self {
        let mut columns = vec!["account_id"];
        columns.extend(table.keys);
        columns.extend(table.columns);
        columns.push("origin");
        if csv_merge {
            columns.push("csv_raw");
        }
        columns.extend(["raw", "raw_hash", "first_seen_at", "updated_at", "deleted_at"]);
        let (updates, changed) = if csv_merge { csv_merge_update(table) } else { replace_update(table) };
        let insert = format!("INSERT INTO {} ({}) VALUES ", table.name, columns.join(", "));
        let upsert =
            format!(" ON CONFLICT (account_id, {}) DO UPDATE SET {updates} WHERE {changed}", table.keys.join(", "));
        // PostgreSQL counts in the statement: a row whose `first_seen_at` is its `updated_at` was
        // inserted by it (an update always moves `updated_at` on). SQLite cannot select from an
        // upsert, and returning a row per record costs a thread hand-off each, so it is counted
        // around the transaction instead (see `write_prepared`).
        let (head, tail) = match backend {
            Backend::Postgres => (
                format!("WITH written AS ({insert}"),
                format!(
                    "{upsert} RETURNING first_seen_at = updated_at AS inserted) \
                     SELECT COUNT(*) FILTER (WHERE inserted) AS inserted, COUNT(*) AS written FROM written"
                ),
            ),
            Backend::Sqlite => (insert, upsert),
        };
        Self { table, csv_merge, now: crate::now_text(), head, tail }
    }

    fn width(&self) -> usize {
        1 + self.table.keys.len() + self.table.columns.len() + 6 + usize::from(self.csv_merge)
    }

    /// One multi-row `INSERT … ON CONFLICT DO UPDATE` and its arguments.
    fn statement<R: Upsertable>(&self, backend: Backend, account: &str, rows: Vec<R>) -> Result<Statement, StoreError> {
        let width = self.width();
        let mut args = AnyArguments::default();
        let mut sql = String::with_capacity(self.head.len() + self.tail.len() + rows.len() * width * 6);
        sql.push_str(&self.head);
        for (i, row) in rows.into_iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(&placeholders(backend, i * width + 1, width));
            sql.push(')');
            let hash = fingerprint(row.origin(), row.raw());
            let origin = row.origin().as_str();
            let (values, raw) = row.into_values();
            Val::from(account.to_owned()).bind(&mut args)?;
            for value in values {
                value.bind(&mut args)?;
            }
            Val::from(origin.to_owned()).bind(&mut args)?;
            if self.csv_merge {
                Val::from(raw.clone()).bind(&mut args)?;
            }
            Val::from(raw).bind(&mut args)?;
            Val::from(hash).bind(&mut args)?;
            Val::from(self.now.clone()).bind(&mut args)?;
            Val::from(self.now.clone()).bind(&mut args)?;
            Val::Text(None).bind(&mut args)?;
        }
        sql.push_str(&self.tail);
        Ok(Statement { sql, args })
    }
}

/// One ready upsert statement.
struct Statement {
    sql: String,
    args: AnyArguments,
}

impl Statement {
    fn of_text(sql: String, args: Vec<String>) -> Result<Self, StoreError> {
        let mut arguments = AnyArguments::default();
        for arg in args {
            Val::from(arg).bind(&mut arguments)?;
        }
        Ok(Self { sql, args: arguments })
    }
}

/// Rows turned into upsert statements ahead of the write, so that the SQL and its arguments can be
/// built on another thread while the database writes the previous batch.
pub struct PreparedUpsert {
    table: &'static str,
    account: String,
    /// Run before the rows, in the same transaction, and not counted as rows written.
    before: Vec<Statement>,
    statements: Vec<Statement>,
    /// Run after the rows, in the same transaction, and not counted as rows written.
    then: Vec<Statement>,
    /// Rows given, duplicates of a key included.
    rows: u64,
    /// Webhook rows wait for a durable commit (see [`Store::write_prepared`]).
    durable: bool,
}

impl std::fmt::Debug for PreparedUpsert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedUpsert")
            .field("table", &self.table)
            .field("statements", &self.statements.len())
            .field("rows", &self.rows)
            .finish()
    }
}

impl PreparedUpsert {
    /// Rows given, duplicates of a key included.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// A statement of text arguments to run before the rows, in the same transaction: it sees the
    /// rows as they were.
    pub(crate) fn before(&mut self, sql: String, args: Vec<String>) -> Result<(), StoreError> {
        self.before.push(Statement::of_text(sql, args)?);
        Ok(())
    }

    /// A statement of text arguments to run after the rows, in the same transaction.
    pub(crate) fn then(&mut self, sql: String, args: Vec<String>) -> Result<(), StoreError> {
        self.then.push(Statement::of_text(sql, args)?);
        Ok(())
    }

    /// Appends another prepared batch of the same table, to be written in the same transaction.
    pub fn absorb(&mut self, other: PreparedUpsert) {
        assert_eq!(self.table, other.table, "one transaction writes one table");
        assert_eq!(self.account, other.account, "one transaction writes one account");
        self.before.extend(other.before);
        self.statements.extend(other.statements);
        self.then.extend(other.then);
        self.rows += other.rows;
        self.durable |= other.durable;
    }
}

impl Store {
    /// Turns rows into statements of at most [`STATEMENT_ROWS`] rows each. No database work.
    pub(crate) fn prepare<R: Upsertable>(&self, account: &str, rows: Vec<R>) -> Result<PreparedUpsert, StoreError> {
        let total = rows.len() as u64;
        // A batch comes from one source (a sync page, a file, a webhook): its first row says which.
        let rows_origin = rows.first().map(Upsertable::origin);
        let mut statements = Vec::new();
        if let Some(origin) = rows_origin {
            let shape = BatchShape::new(self.backend(), R::TABLE, R::TABLE.merges_exports && origin == Origin::Csv);
            let mut rows = latest_of_each_key(rows).into_iter().peekable();
            while rows.peek().is_some() {
                let chunk: Vec<R> = rows.by_ref().take(STATEMENT_ROWS).collect();
                statements.push(shape.statement(self.backend(), account, chunk)?);
            }
        }
        Ok(PreparedUpsert {
            table: R::TABLE.name,
            account: account.to_owned(),
            before: Vec::new(),
            statements,
            then: Vec::new(),
            rows: total,
            durable: rows_origin == Some(Origin::Webhook),
        })
    }

    /// Writes prepared batches in one transaction. A row whose raw record did not change is not
    /// rewritten (the `WHERE` of the update) and is counted as unchanged; a row marked deleted
    /// comes back to life when it is seen again.
    ///
    /// Large transactions are the fast path on SQLite: a commit rewrites every index page the
    /// batch touched into the WAL, so 5,000 rows in one commit cost far less than ten commits of
    /// 500.
    pub async fn write_prepared(&self, batch: PreparedUpsert) -> Result<UpsertCounts, StoreError> {
        if batch.statements.is_empty() {
            return Ok(UpsertCounts { unchanged: batch.rows, ..UpsertCounts::default() });
        }
        let mut tx = self.begin_record_write(&batch.account).await?;
        for statement in batch.before {
            sqlx::query_with(AssertSqlSafe(statement.sql), statement.args).execute(&mut *tx).await?;
        }
        let (inserted, written) = match self.backend() {
            Backend::Postgres => {
                // A webhook has been answered once it is stored, and Workiz will not send it
                // again: its rows wait for the WAL flush that the sync's sessions skip (see
                // `postgres_session`).
                if batch.durable {
                    sqlx::query("SET LOCAL synchronous_commit = on").execute(&mut *tx).await?;
                }
                let (mut inserted, mut written) = (0, 0);
                for statement in batch.statements {
                    let counts =
                        sqlx::query_with(AssertSqlSafe(statement.sql), statement.args).fetch_one(&mut *tx).await?;
                    inserted += counts.try_get::<i64, _>("inserted")?;
                    written += counts.try_get::<i64, _>("written")?;
                }
                (inserted as u64, written as u64)
            }
            Backend::Sqlite => {
                // SQLite gives an inserted row the next rowid after the largest, and an updated row
                // keeps its own; the transaction holds the only write lock. So the rows past the
                // largest rowid from before are the ones this batch inserted.
                let last_before = format!("SELECT COALESCE(MAX(rowid), 0) FROM {}", batch.table);
                let last_before: i64 = sqlx::query_scalar(AssertSqlSafe(last_before)).fetch_one(&mut *tx).await?;
                let mut written = 0;
                for statement in batch.statements {
                    written += sqlx::query_with(AssertSqlSafe(statement.sql), statement.args)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                }
                let inserted = format!("SELECT COUNT(*) FROM {} WHERE rowid > ?", batch.table);
                let inserted: i64 =
                    sqlx::query_scalar(AssertSqlSafe(inserted)).bind(last_before).fetch_one(&mut *tx).await?;
                (inserted as u64, written)
            }
        };
        for statement in batch.then {
            sqlx::query_with(AssertSqlSafe(statement.sql), statement.args).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(UpsertCounts {
            inserted,
            updated: written.saturating_sub(inserted),
            unchanged: batch.rows.saturating_sub(written),
        })
    }

    /// Upserts a batch in one transaction: [`Store::prepare`], then [`Store::write_prepared`].
    pub(crate) async fn upsert<R: Upsertable>(&self, account: &str, rows: Vec<R>) -> Result<UpsertCounts, StoreError> {
        let prepared = self.prepare(account, rows)?;
        self.write_prepared(prepared).await
    }
}
