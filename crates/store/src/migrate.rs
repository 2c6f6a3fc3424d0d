//! Embedded migrations, one list per backend, applied in order at start-up, each in a transaction.

use sqlx::Executor;

use crate::backend::{Backend, Store};
use crate::error::StoreError;

const SQLITE: &[(&str, &str)] = &[
    ("0001_init", include_str!("../migrations/sqlite/0001_init.sql")),
    ("0002_rollups_and_views", include_str!("../migrations/sqlite/0002_rollups_and_views.sql")),
    ("0003_integer_slices", include_str!("../migrations/sqlite/0003_integer_slices.sql")),
    ("0004_csv_raw", include_str!("../migrations/sqlite/0004_csv_raw.sql")),
    ("0005_paid_from_payments", include_str!("../migrations/sqlite/0005_paid_from_payments.sql")),
    ("0006_key_white_space", include_str!("../migrations/sqlite/0006_key_white_space.sql")),
];
const POSTGRES: &[(&str, &str)] = &[
    ("0001_init", include_str!("../migrations/postgres/0001_init.sql")),
    ("0002_rollups_and_views", include_str!("../migrations/postgres/0002_rollups_and_views.sql")),
    ("0003_integer_slices", include_str!("../migrations/postgres/0003_integer_slices.sql")),
    ("0004_csv_raw", include_str!("../migrations/postgres/0004_csv_raw.sql")),
    ("0005_paid_from_payments", include_str!("../migrations/postgres/0005_paid_from_payments.sql")),
    ("0006_key_white_space", include_str!("../migrations/postgres/0006_key_white_space.sql")),
];

pub(crate) async fn run(store: &Store) -> Result<(), StoreError> {
    let migrations = match store.backend() {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    let fail = |version: &str| {
        let url = store.url().to_owned();
        let version = version.to_owned();
        move |source| StoreError::Migrate { url, version, source }
    };
    let mut conn = store.write.acquire().await?;
    // Two processes starting at once on PostgreSQL must not both migrate (even creating the
    // bookkeeping table races in the catalog).
    if store.backend() == Backend::Postgres {
        conn.execute("SELECT pg_advisory_lock(727274)").await?;
    }
    let result = async {
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )
        .await
        .map_err(fail("schema_migrations"))?;
        apply(&mut conn, migrations, store).await
    }
    .await;
    if store.backend() == Backend::Postgres {
        conn.execute("SELECT pg_advisory_unlock(727274)").await?;
    }
    result
}

async fn apply(
    conn: &mut sqlx::pool::PoolConnection<sqlx::Any>,
    migrations: &'static [(&'static str, &'static str)],
    store: &Store,
) -> Result<(), StoreError> {
    let applied: Vec<String> =
        sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version").fetch_all(&mut **conn).await?;
    if let Some(last) = applied.last()
        && !migrations.iter().any(|(v, _)| v == last)
    {
        let known = migrations.last().map(|(v, _)| (*v).to_owned()).unwrap_or_default();
        return Err(StoreError::TooNew { found: last.clone(), known });
    }
    for (version, sql) in migrations {
        if applied.iter().any(|a| a == version) {
            continue;
        }
        let fail = |source| StoreError::Migrate { url: store.url().to_owned(), version: (*version).to_owned(), source };
        // Another process opening a new SQLite file at the same moment may be applying this very
        // migration: the transaction takes the write lock at its start (IMMEDIATE), and asks again
        // under it. PostgreSQL is already serialised by the advisory lock.
        let begin = match store.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        let mut tx = sqlx::Connection::begin_with(&mut **conn, begin).await.map_err(fail)?;
        let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations WHERE version = $1")
            .bind(*version)
            .fetch_one(&mut *tx)
            .await
            .map_err(fail)?;
        if done > 0 {
            tx.commit().await.map_err(fail)?;
            continue;
        }
        tx.execute(*sql).await.map_err(fail)?;
        sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
            .bind(*version)
            .bind(crate::now_text())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        tracing::info!(version, "migration applied");
    }
    Ok(())
}
