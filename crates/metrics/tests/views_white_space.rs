//! Types, sources and statuses typed with stray white space (tabs, line ends, no-break spaces from
//! a spreadsheet) count the same in the BI views as in the engine's rules and reports. Runs on
//! SQLite, and on PostgreSQL when `WORKIZ_METRICS_TEST_PG` is set.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use metrics_engine::{ReportRequest, rules};
use store::{JobRow, LeadRow, Origin, Store};

const DAY: &str = "2026-11-02";

/// (job type, paid cents): a unit, a repair, a unit that is also a repair, and types that only
/// look like them once a rarer space (kept by both sides) is counted.
const JOBS: [(&str, i64); 6] = [
    ("COD Service\t", 5_000),
    ("\u{A0}ins repair", 20_000),
    ("cod service\r\n", 12_000),
    ("\u{0B}INS Service\u{0C}", 9_000),
    ("COD Service\u{2003}", 30_000),
    ("  Warranty\t", 7_000),
];

/// (source, status): a Pro Referral that passed (not a lead), one that did not (a lead of its own
/// kind), and plain leads.
const LEADS: [(&str, &str); 4] = [
    ("Pro Referral\t", "\u{A0}Passed "),
    (" pro referral\r", "Submitted"),
    ("\tGoogle", "New"),
    ("google\u{A0}", "Passed"),
];

fn job(n: usize, job_type: &str, paid_cents: i64) -> JobRow {
    JobRow {
        uuid: format!("J{n}"),
        serial_id: None,
        status: Some("Done".to_owned()),
        sub_status: None,
        job_type: Some(job_type.to_owned()),
        source: Some(LEADS[n % LEADS.len()].0.to_owned()),
        scheduled_at: Some(format!("{DAY} 10:00:00")),
        created_at: None,
        day: Some(DAY.to_owned()),
        client_id: None,
        total_cents: Some(paid_cents),
        amount_due_cents: Some(0),
        paid_cents: Some(paid_cents),
        phone: None,
        team: None,
        origin: Origin::Api,
        raw: format!("job {n}"),
    }
}

fn lead(n: usize, source: &str, status: &str) -> LeadRow {
    LeadRow {
        uuid: format!("L{n}"),
        serial_id: None,
        status: Some(status.to_owned()),
        lead_type: Some(JOBS[n].0.to_owned()),
        source: Some(source.to_owned()),
        scheduled_at: None,
        created_at: Some(format!("{DAY} 09:00:00")),
        day: Some(DAY.to_owned()),
        client_id: None,
        phone_digits: None,
        total_cents: None,
        origin: Origin::Api,
        raw: format!("lead {n}"),
    }
}

async fn views_trim_as_the_rules_do(store: &Store, account: &str) {
    let jobs: Vec<JobRow> = JOBS.iter().enumerate().map(|(n, (t, paid))| job(n, t, *paid)).collect();
    let leads: Vec<LeadRow> = LEADS.iter().enumerate().map(|(n, (s, st))| lead(n, s, st)).collect();
    store.upsert_jobs(account, jobs.clone()).await.expect("jobs");
    store.upsert_leads(account, leads.clone()).await.expect("leads");
    store.refresh_rollups(account).await.expect("rollups");

    let flags: BTreeMap<String, (String, bool, bool)> = store
        .job_flags(account)
        .await
        .expect("job_facts")
        .into_iter()
        .map(|f| (f.uuid, (f.segment, f.is_unit, f.is_repair)))
        .collect();
    for j in &jobs {
        let t = j.job_type.as_deref();
        let by_rules = (rules::segment(t).as_str().to_owned(), rules::is_unit(t), rules::is_repair(t, j.paid_cents));
        assert_eq!(flags[&j.uuid], by_rules, "{t:?}");
    }
    // Worked out by hand: units are jobs 0, 2 and 3; repairs are 1 (INS Repair) and 2 (COD Service
    // paid 120.00); job 4 keeps its em space, so it is COD but neither.
    let units: Vec<&str> = flags.iter().filter(|(_, f)| f.1).map(|(u, _)| u.as_str()).collect();
    let repairs: Vec<&str> = flags.iter().filter(|(_, f)| f.2).map(|(u, _)| u.as_str()).collect();
    assert_eq!((units, repairs), (vec!["J0", "J2", "J3"], vec!["J1", "J2"]));

    let lead_flags: BTreeMap<String, (bool, bool)> = store
        .lead_flags(account)
        .await
        .expect("lead_facts")
        .into_iter()
        .map(|f| (f.uuid, (f.counts_as_lead, f.is_pro_referral_lead)))
        .collect();
    for l in &leads {
        let (source, status) = (l.source.as_deref(), l.status.as_deref());
        let by_rules = (rules::counts_as_lead(source, status), rules::is_pro_referral_lead(source, status));
        assert_eq!(lead_flags[&l.uuid], by_rules, "{source:?} {status:?}");
    }
    assert_eq!(lead_flags["L0"], (false, false), "a passed Pro Referral is not a lead");
    assert_eq!(lead_flags["L1"], (true, true));

    // The slices add up to the report, and name each source by its one key.
    let day = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").expect("day");
    let slices = store.daily_slices(account, DAY, DAY).await.expect("daily_slices");
    let report = metrics_engine::report(store, account, &ReportRequest::new(day, day, "UTC").expect("request"))
        .await
        .expect("report");
    let sum = |f: fn(&store::DailySlice) -> i64| slices.iter().map(f).sum::<i64>() as u64;
    assert_eq!((sum(|s| s.units), report.totals.units), (3, 3));
    assert_eq!((sum(|s| s.repairs), report.totals.repairs), (2, 2));
    assert_eq!((sum(|s| s.leads), report.totals.leads), (3, 3));
    assert_eq!((sum(|s| s.pro_referral_leads), report.totals.pro_referral_leads), (1, 1));
    let keys: BTreeSet<&str> = slices.iter().map(|s| s.source_key.as_str()).collect();
    assert_eq!(keys, BTreeSet::from(["google", "pro referral"]));
}

fn account() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("white-space-{nanos}")
}

#[tokio::test]
async fn the_views_trim_keys_as_the_reports_do_on_both_backends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = Store::connect(&format!("sqlite://{}", dir.path().join("w.db").display())).await.expect("sqlite");
    views_trim_as_the_rules_do(&sqlite, &account()).await;
    sqlite.close().await;
    if let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") {
        let pg = Store::connect(&url).await.expect("postgres");
        views_trim_as_the_rules_do(&pg, &account()).await;
        pg.close().await;
    }
}
