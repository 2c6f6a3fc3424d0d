//! A batch's counts of inserted, updated and unchanged rows are exact, whatever mix of new,
//! changed, unchanged and repeated keys it holds and however many statements it takes. Runs on
//! SQLite, and on PostgreSQL when `WORKIZ_METRICS_TEST_PG` is set.

use store::{JobRow, Origin, Store, UpsertCounts};

fn job(id: usize, version: u32) -> JobRow {
    JobRow {
        uuid: format!("J{id:05}"),
        serial_id: Some(id.to_string()),
        status: Some("Done".to_owned()),
        sub_status: None,
        job_type: Some("COD Service".to_owned()),
        source: Some("Google".to_owned()),
        scheduled_at: Some("2026-11-02 10:00:00".to_owned()),
        created_at: None,
        day: Some("2026-11-02".to_owned()),
        client_id: None,
        total_cents: Some(10_000 + i64::from(version)),
        amount_due_cents: Some(0),
        paid_cents: Some(10_000 + i64::from(version)),
        phone: None,
        team: None,
        origin: Origin::Api,
        raw: format!(r#"{{"UUID":"J{id:05}","v":{version}}}"#),
    }
}

async fn counts_are_exact(store: &Store, account: &str) {
    // 1,200 rows: three statements in one transaction.
    let first = store.upsert_jobs(account, (0..1_200).map(|id| job(id, 1)).collect()).await.expect("first batch");
    assert_eq!(first, UpsertCounts { inserted: 1_200, updated: 0, unchanged: 0 });

    // 700 unchanged, 300 changed, 400 new, and one key given twice (its last version wins; the
    // earlier copy counts as unchanged).
    let mut batch: Vec<JobRow> = (0..700).map(|id| job(id, 1)).collect();
    batch.extend((700..1_000).map(|id| job(id, 2)));
    batch.extend((1_200..1_600).map(|id| job(id, 1)));
    batch.push(job(5, 1));
    batch.push(job(5, 3));
    let second = store.upsert_jobs(account, batch).await.expect("second batch");
    assert_eq!(second, UpsertCounts { inserted: 400, updated: 301, unchanged: 701 });

    // A prepared batch written later counts the same way.
    let prepared = store.prepare_jobs(account, (1_500..1_700).map(|id| job(id, 1)).collect()).expect("prepare");
    let third = store.write_prepared(prepared).await.expect("third batch");
    assert_eq!(third, UpsertCounts { inserted: 100, updated: 0, unchanged: 100 });

    let stored = store.jobs(account).await.expect("jobs");
    assert_eq!(stored.len(), 1_700);
    let five = stored.iter().find(|j| j.row.uuid == "J00005").expect("J00005");
    assert_eq!(five.row.total_cents, Some(10_003));
}

fn account() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("upsert-counts-{nanos}")
}

#[tokio::test]
async fn batch_counts_are_exact_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("c.db").display())).await.expect("sqlite");
    counts_are_exact(&store, &account()).await;
    store.close().await;
}

#[tokio::test]
async fn batch_counts_are_exact_on_postgres() {
    let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") else { return };
    let store = Store::connect(&url).await.expect("postgres");
    counts_are_exact(&store, &account()).await;
    store.close().await;
}

/// `collected` is unknown, not zero, for an account with no payment records (METRICS.md).
async fn payments_are_known_once_one_is_stored(store: &Store, account: &str) {
    assert!(!store.has_payments(account).await.expect("has_payments"));
    let payment = store::PaymentRow {
        payment_id: "P1".to_owned(),
        job_uuid: Some("J00001".to_owned()),
        paid_at: Some("2026-11-02 10:00:00".to_owned()),
        day: Some("2026-11-02".to_owned()),
        amount_cents: 5_000,
        tip_cents: None,
        method: None,
        origin: Origin::Csv,
        raw: "P1".to_owned(),
    };
    store.upsert_payments(account, vec![payment]).await.expect("payment");
    assert!(store.has_payments(account).await.expect("has_payments"));
    assert!(!store.has_payments("another-account").await.expect("has_payments"));
}

#[tokio::test]
async fn payment_records_are_known_on_both_backends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = Store::connect(&format!("sqlite://{}", dir.path().join("p.db").display())).await.expect("sqlite");
    payments_are_known_once_one_is_stored(&sqlite, &account()).await;
    sqlite.close().await;
    if let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") {
        let pg = Store::connect(&url).await.expect("postgres");
        payments_are_known_once_one_is_stored(&pg, &account()).await;
        pg.close().await;
    }
}
