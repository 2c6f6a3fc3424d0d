//! Several processes opening one new database at once (a `serve` and a `report` started together,
//! a test polling the file a sync is creating) all come up on one fully migrated schema: none fails
//! on a migration another is applying. Runs on SQLite, and on PostgreSQL when
//! `WORKIZ_METRICS_TEST_PG` is set (there the database already exists, so this checks only that
//! concurrent opens agree).

use store::Store;

const OPENERS: usize = 6;

async fn open_all_at_once(url: &str) {
    let opens = (0..OPENERS).map(|_| {
        let url = url.to_owned();
        tokio::spawn(async move { Store::connect(&url).await })
    });
    for (n, open) in futures::future::join_all(opens).await.into_iter().enumerate() {
        let store = open.expect("the opener ran to the end").unwrap_or_else(|e| panic!("opener {n} failed: {e:?}"));
        // The schema is whole: a read of every table kind works.
        store.runs("any", 1).await.expect("the run log is there");
        store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_files_opened_by_many_at_once_are_migrated_once() {
    for round in 0..5 {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join(format!("fresh-{round}.db")).display());
        open_all_at_once(&url).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_opened_by_many_at_once() {
    let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") else {
        eprintln!("WORKIZ_METRICS_TEST_PG is not set: the PostgreSQL half is skipped");
        return;
    };
    open_all_at_once(&url).await;
}
