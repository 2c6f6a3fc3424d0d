//! METRICS.md, paid(job): a job whose record gives no paid amount is paid the sum of its payment
//! records; a job whose record gives one keeps it. The reads, the daily rollups and the `job_facts`
//! view all apply it, whichever of the job and its payments is stored first. Runs on SQLite, and
//! on PostgreSQL when `WORKIZ_METRICS_TEST_PG` is set.

use store::{Grain, JobRow, Origin, PaymentRow, Store};

const DAY: &str = "2026-11-02";
const NEXT_DAY: &str = "2026-11-03";

fn job(uuid: &str, job_type: &str, paid_cents: Option<i64>) -> JobRow {
    JobRow {
        uuid: uuid.to_owned(),
        serial_id: None,
        status: Some("Done".to_owned()),
        sub_status: None,
        job_type: Some(job_type.to_owned()),
        source: Some("Google".to_owned()),
        scheduled_at: Some(format!("{DAY} 10:00:00")),
        created_at: None,
        day: Some(DAY.to_owned()),
        client_id: None,
        total_cents: paid_cents,
        amount_due_cents: paid_cents.map(|_| 0),
        paid_cents,
        phone: None,
        team: None,
        origin: Origin::Api,
        raw: format!("{uuid}-{paid_cents:?}"),
    }
}

fn payment(id: &str, job_uuid: &str, amount_cents: i64) -> PaymentRow {
    PaymentRow {
        payment_id: id.to_owned(),
        job_uuid: Some(job_uuid.to_owned()),
        paid_at: Some(format!("{DAY} 12:00:00")),
        day: Some(DAY.to_owned()),
        amount_cents,
        tip_cents: None,
        method: None,
        origin: Origin::Csv,
        raw: id.to_owned(),
    }
}

async fn paid_falls_back_to_payment_records(store: &Store, account: &str) {
    // A: no paid amount on its record; 60.00 paid before the job is stored, 50.00 after.
    // B: its record says 80.00 paid; a 150.00 payment record does not change that.
    // C: no paid amount and no payment records: 0.
    store.upsert_payments(account, vec![payment("P1", "A", 6_000)]).await.expect("first payment");
    store
        .upsert_jobs(
            account,
            vec![job("A", "COD Service", None), job("B", "COD Service", Some(8_000)), job("C", "INS Service", None)],
        )
        .await
        .expect("jobs");
    store.refresh_rollups(account).await.expect("refresh");
    store.upsert_payments(account, vec![payment("P2", "A", 5_000), payment("P3", "B", 15_000)]).await.expect("more");
    store.refresh_rollups(account).await.expect("refresh");

    let paid: Vec<(String, Option<i64>)> =
        store.jobs(account).await.expect("jobs").into_iter().map(|j| (j.row.uuid, j.row.paid_cents)).collect();
    assert_eq!(paid, vec![("A".to_owned(), Some(11_000)), ("B".to_owned(), Some(8_000)), ("C".to_owned(), None)]);
    // The lists behind a number read the same paid amounts, without the raw records.
    let listed: Vec<(String, Option<i64>, String)> = store
        .jobs_between(account, DAY, DAY)
        .await
        .expect("list")
        .into_iter()
        .map(|j| (j.row.uuid, j.row.paid_cents, j.row.raw))
        .collect();
    let expected = [("A", Some(11_000)), ("B", Some(8_000)), ("C", None)];
    assert_eq!(listed, expected.map(|(uuid, paid)| (uuid.to_owned(), paid, String::new())));

    // 110.00 + 80.00 + 0 = 190.00; only A, a COD Service job paid more than 100.00, is a repair.
    let groups = store.job_groups(account, DAY, DAY, Grain::Day).await.expect("groups");
    let totals = groups.iter().fold((0, 0, 0), |t, g| (t.0 + g.jobs, t.1 + g.paid_cents, t.2 + g.paid_over_100));
    assert_eq!(totals, (3, 19_000, 1));

    let repairs: Vec<(String, bool)> =
        store.job_flags(account).await.expect("flags").into_iter().map(|f| (f.uuid, f.is_repair)).collect();
    assert_eq!(repairs, vec![("A".to_owned(), true), ("B".to_owned(), false), ("C".to_owned(), false)]);

    // P2 (50.00) moves from A to D, a job of the next day with no paid amount: A's day loses it
    // and D's day gains it, though the new record names only D.
    let mut d = job("D", "INS Service", None);
    d.day = Some(NEXT_DAY.to_owned());
    d.scheduled_at = Some(format!("{NEXT_DAY} 09:00:00"));
    store.upsert_jobs(account, vec![d]).await.expect("job D");
    store.refresh_rollups(account).await.expect("refresh");
    let mut moved = payment("P2", "D", 5_000);
    moved.raw = "P2 on D".to_owned();
    store.upsert_payments(account, vec![moved]).await.expect("moved payment");
    store.refresh_rollups(account).await.expect("refresh");
    let paid_by_day = |day: &'static str| async move {
        let groups = store.job_groups(account, day, day, Grain::Day).await.expect("groups");
        groups.iter().map(|g| g.paid_cents).sum::<i64>()
    };
    // 60.00 + 80.00 + 0 on the first day; 50.00 on the next.
    assert_eq!(paid_by_day(DAY).await, 14_000);
    assert_eq!(paid_by_day(NEXT_DAY).await, 5_000);
}

fn account() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("paid-fallback-{nanos}")
}

#[tokio::test]
async fn paid_falls_back_to_payment_records_on_both_backends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = Store::connect(&format!("sqlite://{}", dir.path().join("p.db").display())).await.expect("sqlite");
    paid_falls_back_to_payment_records(&sqlite, &account()).await;
    sqlite.close().await;
    if let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") {
        let pg = Store::connect(&url).await.expect("postgres");
        paid_falls_back_to_payment_records(&pg, &account()).await;
        pg.close().await;
    }
}
