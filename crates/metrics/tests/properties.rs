//! Properties over random facts: nothing panics, and the slices add up to the totals.

mod common;

use common::{d, nov};
use metrics_engine::{
    Bucket, CallFact, Decimal, Facts, JobFact, LeadFact, Metrics, PaymentFact, ReportRequest, Segment, SourceAliases,
    SpendEntry, compute, render_csv, render_json, render_table,
};
use proptest::prelude::*;

const SOURCES: [&str; 7] = ["Google", " google", "GoogleAds", "Rely", "Pro Referral", "", "(none)"];
const TYPES: [&str; 8] =
    ["COD Service", "cod service ", "INS Service", "COD Repair", "INS Repair", "Warranty", "", "x"];
const STATUSES: [&str; 5] = ["Done", "Canceled", "passed", "new", ""];

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// A day from mid-October to mid-December 2026, so that records fall both in and out of November.
fn day() -> impl Strategy<Value = chrono::NaiveDate> {
    (0u64..61).prop_map(|n| d(2026, 10, 15) + chrono::Days::new(n))
}

fn text(options: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    prop::sample::select(options).prop_map(opt)
}

fn cents() -> impl Strategy<Value = i64> {
    -1_000_000i64..10_000_000
}

fn facts() -> impl Strategy<Value = Facts> {
    let job = (day(), text(&TYPES), text(&SOURCES), text(&STATUSES), prop::option::of(cents())).prop_map(
        |(day, job_type, source, status, paid_cents)| JobFact {
            uuid: "J".into(),
            day,
            job_type,
            source,
            status,
            paid_cents,
        },
    );
    let lead = (day(), text(&TYPES), text(&SOURCES), text(&STATUSES))
        .prop_map(|(day, lead_type, source, status)| LeadFact { uuid: "L".into(), day, lead_type, source, status });
    let call = (day(), text(&SOURCES)).prop_map(|(day, source)| CallFact { day, source });
    let payment = (day(), cents(), text(&SOURCES), text(&TYPES))
        .prop_map(|(day, amount_cents, job_source, job_type)| PaymentFact { day, amount_cents, job_source, job_type });
    let spend =
        (day(), 0u64..40, prop::sample::select(&SOURCES[..]), cents()).prop_map(|(from, len, source, amount)| {
            SpendEntry {
                source: source.to_owned(),
                date_from: from,
                date_to: from + chrono::Days::new(len),
                amount_cents: amount,
            }
        });
    (
        prop::collection::vec(job, 0..30),
        prop::collection::vec(lead, 0..30),
        prop::collection::vec(call, 0..20),
        prop::collection::vec(payment, 0..20),
        prop::collection::vec(spend, 0..6),
        any::<bool>(),
    )
        .prop_map(|(jobs, leads, calls, payments, spend, has_payment_records)| Facts {
            jobs,
            leads,
            calls,
            payments,
            spend,
            has_payment_records,
            ..Facts::default()
        })
}

/// The same facts with jobs, leads and calls folded into day groups, as the daily rollups hold them.
fn grouped(facts: &Facts) -> Facts {
    use std::collections::BTreeMap;
    let mut jobs: BTreeMap<_, (u64, i64, u64)> = BTreeMap::new();
    for j in &facts.jobs {
        let e = jobs.entry((j.day, j.job_type.clone(), j.source.clone(), j.status.clone())).or_default();
        e.0 += 1;
        e.1 += j.paid_cents.unwrap_or(0);
        e.2 += u64::from(j.paid_cents.is_some_and(|p| p > 10_000));
    }
    let mut leads: BTreeMap<_, u64> = BTreeMap::new();
    for l in &facts.leads {
        *leads.entry((l.day, l.lead_type.clone(), l.source.clone(), l.status.clone())).or_default() += 1;
    }
    let mut calls: BTreeMap<_, u64> = BTreeMap::new();
    for c in &facts.calls {
        *calls.entry((c.day, c.source.clone())).or_default() += 1;
    }
    Facts {
        job_groups: jobs
            .into_iter()
            .map(|((day, job_type, source, status), (n, paid, over))| metrics_engine::JobGroup {
                day,
                job_type,
                source,
                status,
                jobs: n,
                paid_cents: paid,
                paid_over_repair_threshold: over,
            })
            .collect(),
        lead_groups: leads
            .into_iter()
            .map(|((day, lead_type, source, status), n)| metrics_engine::LeadGroup {
                day,
                lead_type,
                source,
                status,
                leads: n,
            })
            .collect(),
        call_groups: calls
            .into_iter()
            .map(|((day, source), n)| metrics_engine::CallGroup { day, source, calls: n })
            .collect(),
        payments: facts.payments.clone(),
        spend: facts.spend.clone(),
        has_payment_records: facts.has_payment_records,
        ..Facts::default()
    }
}

fn request(bucket: Option<Bucket>) -> ReportRequest {
    ReportRequest {
        bucket,
        excluded_job_statuses: vec!["canceled".to_owned()],
        aliases: SourceAliases::new().with("googleads", "Google"),
        ..ReportRequest::new(nov(1), nov(30), "UTC").expect("valid period")
    }
}

fn counts(m: &Metrics) -> [u64; 6] {
    [m.leads, m.pro_referral_leads, m.units, m.repairs, m.jobs, m.calls.unwrap_or(0)]
}

fn add(a: [u64; 6], b: [u64; 6]) -> [u64; 6] {
    std::array::from_fn(|i| a[i] + b[i])
}

fn close(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() < Decimal::new(1, 12)
}

proptest! {
    /// Rollup groups give exactly the report of the records they fold.
    #[test]
    fn grouped_facts_give_the_same_report(facts in facts(), bucket in prop::option::of(prop::sample::select(&[Bucket::Day, Bucket::Week, Bucket::Month][..]))) {
        let request = request(bucket);
        let one_by_one = metrics_engine::compute(&facts, &request);
        let folded = metrics_engine::compute(&grouped(&facts), &request);
        prop_assert_eq!(
            metrics_engine::render_json(&one_by_one).expect("json"),
            metrics_engine::render_json(&folded).expect("json")
        );
    }

    #[test]
    fn slices_add_up_to_the_totals(facts in facts()) {
        let r = compute(&facts, &request(Some(Bucket::Day)));
        let series = r.series.as_ref().expect("series asked");
        prop_assert_eq!(series.len(), 30);

        let by_source = r.by_source.iter().fold([0; 6], |acc, row| add(acc, counts(&row.metrics)));
        prop_assert_eq!(by_source, counts(&r.totals));
        let by_day = series.iter().fold([0; 6], |acc, row| add(acc, counts(&row.metrics)));
        prop_assert_eq!(by_day, counts(&r.totals));
        let by_segment = r.by_segment.iter().fold([0; 6], |acc, row| add(acc, counts(&row.metrics)));
        prop_assert_eq!(by_segment[..5].to_vec(), counts(&r.totals)[..5].to_vec());

        let revenue: Decimal = r.by_source.iter().map(|row| row.metrics.revenue_gross).sum();
        prop_assert_eq!(revenue, r.totals.revenue_gross);
        let collected: Option<Decimal> = r.by_segment.iter().map(|row| row.metrics.collected).sum();
        prop_assert_eq!(collected, r.totals.collected);
        let cost: Decimal = r.by_source.iter().filter_map(|row| row.metrics.cost).sum();
        prop_assert!(close(cost, r.totals.cost.unwrap_or_default()));
        let cost: Decimal = series.iter().filter_map(|row| row.metrics.cost).sum();
        prop_assert!(close(cost, r.totals.cost.unwrap_or_default()));
        prop_assert_eq!(r.totals.revenue40, r.totals.revenue_gross * Decimal::new(4, 1));
    }

    #[test]
    fn a_source_filter_gives_that_source_row(facts in facts(), source in prop::sample::select(&SOURCES[..])) {
        let all = compute(&facts, &request(None));
        let filtered = compute(&facts, &ReportRequest { source: Some(source.to_owned()), ..request(None) });
        prop_assert!(filtered.by_source.len() <= 1);
        if let Some(row) = filtered.by_source.first() {
            let unfiltered = all.by_source.iter().find(|r| r.source == row.source).expect("same row unfiltered");
            prop_assert_eq!(&row.metrics, &unfiltered.metrics);
            prop_assert_eq!(&row.metrics, &filtered.totals);
        }
    }

    #[test]
    fn a_segment_filter_gives_that_segment_row(facts in facts(), segment in prop::sample::select(&Segment::ALL[..])) {
        let all = compute(&facts, &request(None));
        let filtered = compute(&facts, &ReportRequest { segment: Some(segment), ..request(None) });
        let row = &all.by_segment[segment as usize].metrics;
        prop_assert_eq!(row, &filtered.totals);
    }

    #[test]
    fn any_input_renders_without_panicking(
        facts in facts(),
        bucket in prop::option::of(prop::sample::select(vec![Bucket::Day, Bucket::Week, Bucket::Month])),
        from in day(),
        to in day(),
        extreme in any::<i64>(),
    ) {
        let mut facts = facts;
        facts.jobs.extend((0..3).map(|_| JobFact {
            uuid: String::new(), day: from, job_type: Some("COD Service".into()), source: None, status: None,
            paid_cents: Some(extreme),
        }));
        facts.spend.push(SpendEntry { source: "x".into(), date_from: chrono::NaiveDate::MIN, date_to: chrono::NaiveDate::MAX, amount_cents: extreme });
        facts.payments.push(PaymentFact { day: to, amount_cents: extreme, job_source: None, job_type: None });
        let request = ReportRequest { from, to, bucket, ..request(None) };
        let r = compute(&facts, &request);
        let lines = render_csv(&r).lines().count();
        let series = r.series.as_ref().map_or(0, Vec::len);
        prop_assert_eq!(lines, 2 + r.by_source.len() + 3 + series);
        prop_assert!(render_json(&r).is_ok());
        prop_assert!(!render_table(&r).is_empty());
    }
}
