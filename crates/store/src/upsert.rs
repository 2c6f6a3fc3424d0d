//! Batched upserts shared by every table: one `SELECT` of the stored hashes and one multi-row
//! `INSERT … ON CONFLICT DO UPDATE` per batch, on either backend.

use std::collections::HashMap;

use sqlx::any::AnyArguments;
// Dynamic SQL here is built from the fixed table and column names above, never from input.
use sqlx::{Arguments, AssertSqlSafe, Row};

use crate::backend::Store;
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

fn key_expression(keys: &[&str]) -> String {
    if keys.len() == 1 { keys[0].to_owned() } else { keys.join(" || '|' || ") }
}

fn placeholders(start: usize, count: usize) -> String {
    (start..start + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

impl Store {
    /// Upserts a batch. Rows whose raw record did not change are not written. A row marked deleted
    /// comes back to life when it is seen again.
    pub(crate) async fn upsert<R: Upsertable>(&self, account: &str, rows: Vec<R>) -> Result<UpsertCounts, StoreError> {
        if rows.is_empty() {
            return Ok(UpsertCounts::default());
        }
        let table = R::TABLE;
        // The last version of a key in the batch wins; PostgreSQL refuses to update a row twice
        // in one statement.
        let mut latest: HashMap<String, (i64, R)> = HashMap::with_capacity(rows.len());
        let mut order = Vec::with_capacity(rows.len());
        let mut counts = UpsertCounts::default();
        for row in rows {
            let key = row.key();
            let hash = fingerprint(row.origin(), row.raw());
            if latest.insert(key.clone(), (hash, row)).is_some() {
                counts.unchanged += 1;
            } else {
                order.push(key);
            }
        }

        let stored = self.stored_hashes(account, table, &order).await?;
        let now = crate::now_text();
        let mut args = AnyArguments::default();
        let mut tuples = Vec::new();
        let width = 1 + table.keys.len() + table.columns.len() + 6;
        for key in &order {
            let Some((hash, row)) = latest.remove(key) else { continue };
            match stored.get(key) {
                Some((stored_hash, false)) if *stored_hash == hash => {
                    counts.unchanged += 1;
                    continue;
                }
                Some(_) => counts.updated += 1,
                None => counts.inserted += 1,
            }
            let origin = row.origin().as_str();
            let raw = row.raw().to_owned();
            let start = tuples.len() * width + 1;
            tuples.push(format!("({})", placeholders(start, width)));
            let bind =
                |args: &mut AnyArguments, v: Val| v.bind(args).map_err(|e| StoreError::Query(sqlx::Error::Encode(e)));
            bind(&mut args, Val::text(account.to_owned()))?;
            for value in row.values() {
                bind(&mut args, value)?;
            }
            bind(&mut args, Val::text(origin.to_owned()))?;
            bind(&mut args, Val::text(raw))?;
            bind(&mut args, Val::Int(Some(hash)))?;
            bind(&mut args, Val::text(now.clone()))?;
            bind(&mut args, Val::text(now.clone()))?;
            bind(&mut args, Val::Text(None))?;
        }
        if tuples.is_empty() {
            return Ok(counts);
        }
        let mut columns = vec!["account_id"];
        columns.extend(table.keys);
        columns.extend(table.columns);
        columns.extend(["origin", "raw", "raw_hash", "first_seen_at", "updated_at", "deleted_at"]);
        let updates: Vec<String> = table
            .columns
            .iter()
            .chain(&["origin", "raw", "raw_hash", "updated_at", "deleted_at"])
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {} ON CONFLICT (account_id, {}) DO UPDATE SET {}",
            table.name,
            columns.join(", "),
            tuples.join(", "),
            table.keys.join(", "),
            updates.join(", ")
        );
        sqlx::query_with(AssertSqlSafe(sql), args).execute(&self.write).await?;
        Ok(counts)
    }

    /// The stored fingerprint of each key, and whether the row is marked deleted.
    async fn stored_hashes(
        &self,
        account: &str,
        table: TableDef,
        keys: &[String],
    ) -> Result<HashMap<String, (i64, bool)>, StoreError> {
        let key = key_expression(table.keys);
        let sql = format!(
            "SELECT {key} AS k, raw_hash, deleted_at FROM {} WHERE account_id = $1 AND {key} IN ({})",
            table.name,
            placeholders(2, keys.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(account.to_owned());
        for k in keys {
            query = query.bind(k.clone());
        }
        let rows = query.fetch_all(&self.write).await?;
        rows.iter()
            .map(|row| {
                let deleted: Option<String> = row.try_get("deleted_at")?;
                Ok((row.try_get::<String, _>("k")?, (row.try_get::<i64, _>("raw_hash")?, deleted.is_some())))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}
