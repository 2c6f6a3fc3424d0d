//! The report the engine computes from a synced database equals the report computed in plain Rust
//! from the simulator's ground truth, on SQLite always and on PostgreSQL when
//! `WORKIZ_METRICS_TEST_PG` is set. The BI views agree with the engine's rules record by record.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use ingest::{Resource, SyncOptions, SyncSettings, Syncer};
use metrics_engine::{Bucket, Decimal, Metrics, ReportRequest, rules};
use store::Store;
use workiz::{ApiToken, Client, ClientConfig};
use workiz_sim::{SimConfig, Simulator};

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
}

async fn backends() -> Vec<(tempfile::TempDir, Store)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("parity.db").display());
    let mut stores = vec![(dir, Store::connect(&url).await.expect("sqlite"))];
    if let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") {
        stores.push((tempfile::tempdir().expect("tempdir"), Store::connect(&url).await.expect("postgres")));
    }
    stores
}

/// The additive numbers of a slice, computed independently of the engine.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Expected {
    leads: u64,
    pro_referral_leads: u64,
    units: u64,
    repairs: u64,
    jobs: u64,
    revenue_cents: i64,
}

impl Expected {
    fn of(m: &Metrics) -> Self {
        let cents = (m.revenue_gross * Decimal::ONE_HUNDRED).trunc();
        Self {
            leads: m.leads,
            pro_referral_leads: m.pro_referral_leads,
            units: m.units,
            repairs: m.repairs,
            jobs: m.jobs,
            revenue_cents: i64::try_from(cents).expect("cents"),
        }
    }
}

fn key(text: &str) -> String {
    text.trim().to_lowercase()
}

fn segment_of(job_type: &str) -> &'static str {
    let k = key(job_type);
    if k.contains("cod") {
        "COD"
    } else if k.contains("ins") {
        "INS"
    } else {
        "OTHER"
    }
}

fn monday(day: NaiveDate) -> NaiveDate {
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

#[derive(Default)]
struct Truth {
    totals: Expected,
    by_source: BTreeMap<String, Expected>,
    by_segment: BTreeMap<&'static str, Expected>,
    by_week: BTreeMap<NaiveDate, Expected>,
}

/// The METRICS.md rules written out plainly over the simulator's records.
fn truth(sim: &Simulator, from: NaiveDate, to: NaiveDate) -> Truth {
    let mut t = Truth::default();
    sim.with_truth(|a| {
        for job in &a.jobs {
            let day = job.scheduled.unwrap_or(job.created).date();
            if day < from || day > to {
                continue;
            }
            let k = key(&job.job_type);
            let paid = job.total_cents - job.amount_due_cents;
            let unit = k == "cod service" || k == "ins service";
            let repair = k == "cod repair" || k == "ins repair" || (k == "cod service" && paid > 10_000);
            let source = job.source.clone().unwrap_or_else(|| "(none)".to_owned());
            for slice in [
                &mut t.totals,
                t.by_source.entry(source).or_default(),
                t.by_segment.entry(segment_of(&job.job_type)).or_default(),
                t.by_week.entry(monday(day).max(from)).or_default(),
            ] {
                slice.jobs += 1;
                slice.units += u64::from(unit);
                slice.repairs += u64::from(repair);
                slice.revenue_cents += paid;
            }
        }
        for lead in &a.leads {
            let Some(day) = lead.created.or(lead.scheduled).map(|t| t.date()) else { continue };
            if day < from || day > to {
                continue;
            }
            let source = lead.source.clone().unwrap_or_else(|| "(none)".to_owned());
            let pro_referral = source == "Pro Referral";
            let passed = lead.status == "Passed";
            for slice in [
                &mut t.totals,
                t.by_source.entry(source.clone()).or_default(),
                t.by_segment.entry(segment_of(&lead.lead_type)).or_default(),
                t.by_week.entry(monday(day).max(from)).or_default(),
            ] {
                slice.leads += u64::from(!(pro_referral && passed));
                slice.pro_referral_leads += u64::from(pro_referral && !passed);
            }
        }
    });
    t
}

async fn synced(store: &Store, account: &str) -> Simulator {
    let mut config = SimConfig::new(21, 150, last_day());
    config.rate_limit = None;
    let sim = Simulator::start_local(config).await.expect("sim");
    let mut client = ClientConfig::new(sim.base_url(), ApiToken::parse(sim.token()).expect("token"));
    client.rate_limit = None;
    let mut settings = SyncSettings::new(account, chrono_tz::UTC);
    settings.today = Some(last_day());
    let syncer = Syncer::new(store.clone(), Client::new(client).expect("client"), settings);
    let options = SyncOptions {
        resources: vec![Resource::Jobs, Resource::Leads],
        since: Some(last_day() - chrono::Duration::days(149)),
        full: false,
    };
    syncer.run(&options, &()).await.expect("sync");
    sim
}

fn unique(name: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{name}-{nanos}")
}

#[tokio::test]
async fn the_engine_on_the_synced_database_equals_the_ground_truth() {
    for (_dir, store) in backends().await {
        let account = unique("parity");
        let sim = synced(&store, &account).await;
        // A period that starts on a Thursday, so the first week bucket is partial.
        let (from, to) = (NaiveDate::from_ymd_opt(2026, 9, 3).expect("date"), last_day());
        let expected = truth(&sim, from, to);
        assert!(expected.totals.jobs > 400 && expected.totals.leads > 600, "{:?}", expected.totals);

        let mut request = ReportRequest::new(from, to, "UTC").expect("request");
        request.bucket = Some(Bucket::Week);
        let report = metrics_engine::report(&store, &account, &request).await.expect("report");
        assert_eq!(Expected::of(&report.totals), expected.totals, "totals");
        assert_eq!(report.by_source.len(), expected.by_source.len());
        for row in &report.by_source {
            assert_eq!(Expected::of(&row.metrics), expected.by_source[row.source.as_str()], "source {}", row.source);
        }
        for row in &report.by_segment {
            let want = expected.by_segment.get(row.segment.as_str()).cloned().unwrap_or_default();
            assert_eq!(Expected::of(&row.metrics), want, "segment {}", row.segment);
        }
        let series = report.series.as_ref().expect("series");
        assert_eq!(series.len(), expected.by_week.len());
        for row in series {
            let want = expected.by_week.get(&row.period.max(from)).cloned().unwrap_or_default();
            assert_eq!(Expected::of(&row.metrics), want, "week {}", row.period);
        }
        // The month series and the plain totals read other groupings of the same rollups.
        request.bucket = Some(Bucket::Month);
        let monthly = metrics_engine::report(&store, &account, &request).await.expect("report");
        assert_eq!(Expected::of(&monthly.totals), expected.totals);
        let months: u64 = monthly.series.iter().flatten().map(|r| r.metrics.jobs).sum();
        assert_eq!(months, expected.totals.jobs);
        store.close().await;
    }
}

#[tokio::test]
async fn the_bi_views_apply_the_engines_rules() {
    for (_dir, store) in backends().await {
        let account = unique("views");
        let sim = synced(&store, &account).await;
        let truth_jobs: BTreeMap<String, (Option<String>, i64)> = sim.with_truth(|a| {
            a.jobs.iter().map(|j| (j.uuid.clone(), (Some(j.job_type.clone()), j.paid_cents()))).collect()
        });
        let flags = store.job_flags(&account).await.expect("job_facts");
        assert_eq!(flags.len(), truth_jobs.len());
        for f in &flags {
            let (job_type, paid) = &truth_jobs[&f.uuid];
            assert_eq!(f.segment, rules::segment(job_type.as_deref()).as_str(), "{}", f.uuid);
            assert_eq!(f.is_unit, rules::is_unit(job_type.as_deref()), "{}", f.uuid);
            assert_eq!(f.is_repair, rules::is_repair(job_type.as_deref(), Some(*paid)), "{}", f.uuid);
        }
        let truth_leads: BTreeMap<String, (Option<String>, String, String)> = sim.with_truth(|a| {
            a.leads
                .iter()
                .map(|l| (l.uuid.clone(), (l.source.clone(), l.status.clone(), l.lead_type.clone())))
                .collect()
        });
        let lead_flags = store.lead_flags(&account).await.expect("lead_facts");
        assert_eq!(lead_flags.len(), truth_leads.len());
        for f in &lead_flags {
            let (source, status, lead_type) = &truth_leads[&f.uuid];
            assert_eq!(f.counts_as_lead, rules::counts_as_lead(source.as_deref(), Some(status)), "{}", f.uuid);
            assert_eq!(f.is_pro_referral_lead, rules::is_pro_referral_lead(source.as_deref(), Some(status)));
            assert_eq!(f.segment, rules::segment(Some(lead_type)).as_str());
        }
        // daily_slices adds up to the engine's totals.
        let (from, to) = (last_day() - chrono::Duration::days(60), last_day());
        let slices = store.daily_slices(&account, &from.to_string(), &to.to_string()).await.expect("daily_slices");
        let report = metrics_engine::report(&store, &account, &ReportRequest::new(from, to, "UTC").expect("request"))
            .await
            .expect("report");
        let sum = |f: fn(&store::DailySlice) -> i64| slices.iter().map(f).sum::<i64>() as u64;
        assert_eq!(sum(|s| s.jobs), report.totals.jobs);
        assert_eq!(sum(|s| s.units), report.totals.units);
        assert_eq!(sum(|s| s.repairs), report.totals.repairs);
        assert_eq!(sum(|s| s.leads), report.totals.leads);
        assert_eq!(sum(|s| s.pro_referral_leads), report.totals.pro_referral_leads);
        assert_eq!(Decimal::new(slices.iter().map(|s| s.revenue_cents).sum(), 2), report.totals.revenue_gross);
        store.close().await;
    }
}

#[tokio::test]
async fn rollups_follow_edits_deletions_and_moves() {
    for (_dir, store) in backends().await {
        let account = unique("rollups");
        let sim = synced(&store, &account).await;
        let (from, to) = (last_day() - chrono::Duration::days(149), last_day());
        let request = ReportRequest::new(from, to, "UTC").expect("request");
        // Edit one job's type, move another to another day, delete a third, then re-sync deeply.
        sim.mutate(|a, _| {
            a.jobs[0].job_type = "INS Repair".into();
            let moved = a.jobs[1].scheduled.map(|t| t + chrono::Duration::days(3));
            if moved.is_some_and(|t| t.date() <= last_day()) {
                a.jobs[1].scheduled = moved;
            }
            a.jobs[2].amount_due_cents -= 12_345;
            let gone = a.jobs[3].uuid.clone();
            a.delete_job(&gone);
        });
        let mut client = ClientConfig::new(sim.base_url(), ApiToken::parse(sim.token()).expect("token"));
        client.rate_limit = None;
        let mut settings = SyncSettings::new(&account, chrono_tz::UTC);
        settings.today = Some(last_day());
        let syncer = Syncer::new(store.clone(), Client::new(client).expect("client"), settings);
        let deep = SyncOptions { resources: vec![Resource::Jobs], since: Some(from), full: false };
        syncer.run(&deep, &()).await.expect("sync");
        let report = metrics_engine::report(&store, &account, &request).await.expect("report");
        assert_eq!(Expected::of(&report.totals), truth(&sim, from, to).totals);
        store.close().await;
    }
}
