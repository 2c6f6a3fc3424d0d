use std::time::Duration;

use futures::future::BoxFuture;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, AssertSqlSafe, Executor};

use crate::error::StoreError;
use crate::migrate;

/// Which database is behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// Where writes go. SQLite has one writer, so its write pool has one connection; that avoids
    /// SQLITE_BUSY instead of retrying it.
    pub(crate) write: AnyPool,
    /// Where reads go: several connections, which WAL lets run beside the writer.
    pub(crate) read: AnyPool,
    display_url: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).field("url", &self.display_url).finish()
    }
}

/// The URL without a password, for messages.
fn display_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let display = display_url(url);
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::BadUrl(display));
        };
        let connect_error = |source| StoreError::Connect { url: display.clone(), source };
        let (write, read) = match backend {
            Backend::Sqlite => {
                let url = sqlite_url(url);
                let options: AnyConnectOptions = url.parse().map_err(connect_error)?;
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(60))
                    .after_connect(|conn, _| sqlite_session(conn, SQLITE_WRITER_CACHE))
                    .connect_with(options.clone())
                    .await
                    .map_err(connect_error)?;
                let read = AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(|conn, _| sqlite_session(conn, SQLITE_READER_CACHE))
                    .connect_with(options)
                    .await
                    .map_err(connect_error)?;
                (write, read)
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(postgres_session)
                    .connect(url)
                    .await
                    .map_err(connect_error)?;
                (pool.clone(), pool)
            }
        };
        let store = Self { backend, write, read, display_url: display };
        migrate::run(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with any password hidden.
    pub fn url(&self) -> &str {
        &self.display_url
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// SQLite page cache of the one writer, in KiB: a sync's batch of 5,000 rows dirties some 10 MiB of
/// table and index pages, which must not spill to the WAL before the commit.
const SQLITE_WRITER_CACHE: u32 = 32 * 1024;
/// Per reader (SQLite's default is 2 MiB).
const SQLITE_READER_CACHE: u32 = 8 * 1024;

/// WAL lets readers run beside the one writer; NORMAL sync is safe with WAL (a power cut may lose
/// the last commits, never corrupt the file); the busy timeout covers a second process, and comes
/// first so that switching a new file to WAL waits for it too.
///
/// A new file gets 16 KiB pages: jobs and leads keep their raw JSON (about 1 KiB each), and with
/// 4 KiB pages a sync wrote a third more pages and ran about 25 % slower. The page size must be
/// set before the file is switched to WAL; on an existing file it changes nothing.
fn sqlite_session(conn: &mut sqlx::AnyConnection, cache_kib: u32) -> BoxFuture<'_, Result<(), sqlx::Error>> {
    Box::pin(async move {
        conn.execute(
            "PRAGMA busy_timeout=10000; PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        )
        .await?;
        conn.execute(AssertSqlSafe(format!("PRAGMA cache_size=-{cache_kib}"))).await?;
        Ok(())
    })
}

/// Synced records are a copy that the next pass re-reads, so a batch need not wait for its WAL
/// flush: after a PostgreSQL crash (not a killed client) the last fraction of a second of batches
/// is re-fetched. Without this, every page waits for an fsync and a sync runs several times
/// slower. Writes that cannot be re-read (webhook receipts) must commit with
/// `SET LOCAL synchronous_commit = on`.
fn postgres_session(
    conn: &mut sqlx::AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> BoxFuture<'_, Result<(), sqlx::Error>> {
    Box::pin(async move { conn.execute("SET synchronous_commit = off").await.map(|_| ()) })
}

/// `sqlite://file.db` → `sqlite://file.db?mode=rwc`, so the file is created on first use.
fn sqlite_url(url: &str) -> String {
    if url.contains(":memory:") || url.contains("mode=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}mode=rwc")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(display_url("postgres://app:hunter2@db:5432/x"), "postgres://app:***@db:5432/x");
        assert_eq!(display_url("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(display_url("sqlite://a.db"), "sqlite://a.db");
    }

    #[test]
    fn sqlite_files_are_created_on_first_use() {
        assert_eq!(sqlite_url("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(sqlite_url("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
    }
}
