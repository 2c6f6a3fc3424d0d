//! Property: after any sequence of inserts, edits (type, source, status, paid, day) and soft
//! deletions, the daily rollups hold exactly what grouping the live rows directly gives. Runs on
//! SQLite, and on PostgreSQL when `WORKIZ_METRICS_TEST_PG` is set.

use std::collections::BTreeMap;

use proptest::prelude::*;
use store::{Grain, JobRow, Origin, Store};

#[derive(Debug, Clone)]
enum Op {
    Upsert { id: u8, day: u8, job_type: u8, source: u8, status: u8, paid: i64 },
    Delete { id: u8 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..12, 0u8..4, 0u8..4, 0u8..3, 0u8..2, -5_000i64..30_000)
            .prop_map(|(id, day, job_type, source, status, paid)| Op::Upsert { id, day, job_type, source, status, paid }),
        1 => (0u8..12).prop_map(|id| Op::Delete { id }),
    ]
}

const TYPES: [&str; 4] = ["COD Service", "cod service ", "INS Repair", "Warranty"];
const SOURCES: [&str; 3] = ["Google", "Rely", ""];

fn row(id: u8, day: u8, job_type: u8, source: u8, status: u8, paid: i64) -> JobRow {
    JobRow {
        uuid: format!("J{id}"),
        serial_id: None,
        status: Some(["Done", "Canceled"][status as usize].to_owned()),
        sub_status: None,
        job_type: Some(TYPES[job_type as usize].to_owned()),
        source: Some(SOURCES[source as usize].to_owned()).filter(|s| !s.is_empty()),
        scheduled_at: None,
        created_at: None,
        day: Some(format!("2026-11-0{}", day + 1)),
        client_id: None,
        total_cents: Some(paid),
        amount_due_cents: Some(0),
        paid_cents: Some(paid),
        phone: None,
        team: None,
        origin: Origin::Api,
        raw: format!("{id}-{day}-{job_type}-{source}-{status}-{paid}"),
    }
}

type Key = (String, Option<String>, Option<String>, Option<String>);

async fn check(store: &Store, account: &str, ops: &[Op]) -> Result<(), TestCaseError> {
    for op in ops {
        match op {
            Op::Upsert { id, day, job_type, source, status, paid } => {
                store
                    .upsert_jobs(account, vec![row(*id, *day, *job_type, *source, *status, *paid)])
                    .await
                    .expect("upsert");
            }
            Op::Delete { id } => {
                store.mark_deleted(account, "jobs", &[format!("J{id}")]).await.expect("delete");
            }
        }
    }
    store.refresh_rollups(account).await.expect("refresh");
    let mut expected: BTreeMap<Key, (i64, i64, i64)> = BTreeMap::new();
    for job in store.jobs(account).await.expect("jobs").into_iter().filter(|j| j.deleted_at.is_none()) {
        let r = job.row;
        let e = expected.entry((r.day.unwrap_or_default(), r.job_type, r.source, r.status)).or_default();
        let paid = r.paid_cents.unwrap_or(0);
        *e = (e.0 + 1, e.1 + paid, e.2 + i64::from(paid > 10_000));
    }
    let groups = store.job_groups(account, "2026-11-01", "2026-11-30", Grain::Day).await.expect("groups");
    let actual: BTreeMap<Key, (i64, i64, i64)> = groups
        .into_iter()
        .map(|g| ((g.day, g.job_type, g.source, g.status), (g.jobs, g.paid_cents, g.paid_over_100)))
        .collect();
    prop_assert_eq!(actual, expected);
    Ok(())
}

fn account() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("rollup-prop-{nanos}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn rollups_equal_the_live_rows_grouped(ops in prop::collection::vec(op(), 1..40)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let dir = tempfile::tempdir().expect("tempdir");
            let sqlite = Store::connect(&format!("sqlite://{}", dir.path().join("p.db").display())).await.expect("sqlite");
            check(&sqlite, &account(), &ops).await?;
            sqlite.close().await;
            if let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") {
                let pg = Store::connect(&url).await.expect("postgres");
                check(&pg, &account(), &ops).await?;
                pg.close().await;
            }
            Ok::<(), TestCaseError>(())
        })?;
    }
}
