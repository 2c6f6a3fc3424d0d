//! Every rule of METRICS.md on small hand-computed cases. Expected numbers are literals worked out by
//! hand in the comments, never recomputed with the library.

mod common;

use common::*;
use metrics_engine::{Bucket, Decimal, Facts, ReportRequest, Segment, SourceAliases, compute};
use serde_json::json;

fn dec(text: &str) -> Decimal {
    text.parse().expect("decimal literal")
}

#[test]
fn units_and_repairs() {
    let mut f = facts();
    f.jobs = vec![
        done(nov(2), "COD Service", "Rely", 10_000), // unit, not a repair: 100.00 is not > 100
        done(nov(2), "COD Service", "Rely", 10_001), // unit and repair
        done(nov(3), "COD Repair", "Rely", 5_000),   // repair
        job(nov(3), "INS Repair", "Rely", "Done", None), // repair, paid unknown = 0
        done(nov(4), "INS Service", "Rely", 20_000), // unit (INS Service is never a repair by amount)
        done(nov(4), "Warranty", "Rely", 3_000),     // neither, OTHER
        done(nov(5), " cod service ", "Rely", 15_000), // unit and repair
    ];
    let r = compute(&f, &november());
    let t = json(&r.totals);
    assert_eq!(t["jobs"], 7);
    assert_eq!(t["units"], 4);
    assert_eq!(t["repairs"], 4);
    // 100.00 + 100.01 + 50.00 + 0 + 200.00 + 30.00 + 150.00 = 630.01; × 0.40 = 252.004
    assert_eq!(t["revenue_gross"], "630.01");
    assert_eq!(t["revenue40"], "252.00");
    assert_eq!(r.totals.revenue40, dec("252.004"));
    assert_eq!(t["conv_u_r"], 1.0);

    let seg = |s: Segment| json(&r.by_segment.iter().find(|row| row.segment == s).expect("segment row").metrics);
    let cod = seg(Segment::Cod);
    assert_eq!((cod["jobs"].clone(), cod["units"].clone(), cod["repairs"].clone()), (json!(4), json!(3), json!(3)));
    // 100.00 + 100.01 + 50.00 + 150.00 = 400.01; × 0.40 = 160.004
    assert_eq!(cod["revenue_gross"], "400.01");
    assert_eq!(cod["revenue40"], "160.00");
    assert_eq!(cod["conv_u_r"], 1.0);
    let ins = seg(Segment::Ins);
    assert_eq!((ins["jobs"].clone(), ins["units"].clone(), ins["repairs"].clone()), (json!(2), json!(1), json!(1)));
    assert_eq!(ins["revenue_gross"], "200.00");
    assert_eq!(ins["revenue40"], "80.00");
    let other = seg(Segment::Other);
    assert_eq!(
        (other["jobs"].clone(), other["units"].clone(), other["repairs"].clone()),
        (json!(1), json!(0), json!(0))
    );
    assert_eq!(other["revenue40"], "12.00");
    assert_eq!(other["conv_u_r"], json!(null));
}

#[test]
fn cod_service_paid_exactly_100_is_not_a_repair_and_100_01_is() {
    let mut f = facts();
    f.jobs = vec![done(nov(1), "COD Service", "Rely", 10_000)];
    let t = json(&compute(&f, &november()).totals);
    assert_eq!((t["units"].clone(), t["repairs"].clone(), t["conv_u_r"].clone()), (json!(1), json!(0), json!(0.0)));

    f.jobs = vec![done(nov(1), "COD Service", "Rely", 10_001)];
    let t = json(&compute(&f, &november()).totals);
    assert_eq!((t["units"].clone(), t["repairs"].clone(), t["conv_u_r"].clone()), (json!(1), json!(1), json!(1.0)));
}

#[test]
fn pro_referral_passed_leads_are_left_out() {
    let mut f = facts();
    f.leads = vec![
        lead(nov(2), "COD Service", "Google", "new"),
        lead(nov(2), "COD Service", "Pro Referral", "Passed"), // left out
        lead(nov(2), "INS Service", " pro referral ", "passed"), // left out
        lead(nov(2), "Warranty", "Pro Referral", "new"),       // lead and pro referral lead
        lead(nov(2), "", "PRO REFERRAL", ""),                  // lead and pro referral lead
        lead(nov(2), "INS Service", "Google", "Passed"),       // a lead: not Pro Referral
    ];
    let r = compute(&f, &november());
    assert_eq!(r.totals.leads, 4);
    assert_eq!(r.totals.pro_referral_leads, 2);
    assert_eq!(source_names(&r), ["Google", "Pro Referral"]);
    assert_eq!((source_row(&r, "Google").leads, source_row(&r, "Google").pro_referral_leads), (2, 0));
    assert_eq!((source_row(&r, "Pro Referral").leads, source_row(&r, "Pro Referral").pro_referral_leads), (2, 2));
    let leads: Vec<(u64, u64)> = r.by_segment.iter().map(|s| (s.metrics.leads, s.metrics.pro_referral_leads)).collect();
    assert_eq!(leads, [(1, 0), (1, 0), (2, 2)]);
}

#[test]
fn an_alias_of_pro_referral_is_pro_referral() {
    let mut f = facts();
    f.leads = vec![lead(nov(2), "", "ProRef", "Passed"), lead(nov(3), "", " proref", "new")];
    let request = ReportRequest { aliases: SourceAliases::new().with("ProRef", "Pro Referral"), ..november() };
    let r = compute(&f, &request);
    assert_eq!((r.totals.leads, r.totals.pro_referral_leads), (1, 1));
    assert_eq!(source_names(&r), ["Pro Referral"]);
}

#[test]
fn lead_segment_comes_from_its_type() {
    let mut f = facts();
    f.leads = vec![
        lead(nov(2), "cod service", "Google", "new"),
        lead(nov(2), " INS repair", "Google", "new"),
        lead(nov(2), "Warranty", "Google", "new"),
        lead(nov(2), "", "Google", "new"),
    ];
    let r = compute(&f, &november());
    let leads: Vec<u64> = r.by_segment.iter().map(|s| s.metrics.leads).collect();
    assert_eq!(leads, [1, 1, 2]);
}

#[test]
fn sources_compare_trimmed_and_case_insensitive() {
    let mut f = facts();
    f.jobs = vec![
        done(nov(1), "COD Service", "Google", 100),
        done(nov(1), "COD Service", "Google", 100),
        done(nov(1), "COD Service", " google ", 100),
        done(nov(1), "COD Service", "GOOGLE ", 100),
        done(nov(1), "COD Service", "", 100),
        job(nov(1), "COD Service", "", "Done", Some(100)),
    ];
    f.jobs[5].source = None;
    f.calls = vec![call(nov(1), "   ")];
    let r = compute(&f, &november());
    // "Google" is the spelling most records use.
    assert_eq!(source_names(&r), ["(none)", "Google"]);
    assert_eq!(source_row(&r, "Google").jobs, 4);
    assert_eq!((source_row(&r, "(none)").jobs, source_row(&r, "(none)").calls), (2, Some(1)));
}

#[test]
fn types_compare_trimmed_and_case_insensitive() {
    let mut f = facts();
    f.jobs = vec![
        done(nov(1), "  cod SERVICE ", "Rely", 12_000),
        done(nov(1), "ins service", "Rely", 0),
        done(nov(1), "Cod Repair ", "Rely", 0),
        done(nov(1), "COD  Service", "Rely", 50_000), // inner double space: not COD Service, still COD
    ];
    let r = compute(&f, &november());
    assert_eq!((r.totals.units, r.totals.repairs, r.totals.jobs), (2, 2, 4));
    assert_eq!(r.by_segment[0].metrics.jobs, 3);
}

#[test]
fn a_record_counts_on_its_day_only_inside_the_period() {
    // A job without a schedule arrives with its created day: the day given here is what decides.
    let mut f = facts();
    f.jobs = vec![
        done(d(2026, 10, 31), "COD Service", "Rely", 1_000),
        done(nov(1), "COD Service", "Rely", 2_000),
        done(nov(30), "COD Service", "Rely", 4_000),
        done(d(2026, 12, 1), "COD Service", "Rely", 8_000),
    ];
    f.leads = vec![lead(d(2026, 10, 31), "", "Rely", "new"), lead(nov(30), "", "Rely", "new")];
    f.calls = vec![call(nov(1), "Rely"), call(d(2026, 12, 1), "Rely")];
    f.payments = vec![payment(d(2026, 10, 31), 500, "Rely", "COD Service"), payment(nov(1), 700, "Rely", "")];
    let t = json(&compute(&f, &november()).totals);
    assert_eq!(t["jobs"], 2);
    assert_eq!(t["revenue_gross"], "60.00");
    assert_eq!(t["leads"], 1);
    assert_eq!(t["calls"], 1);
    assert_eq!(t["collected"], "7.00");
}

#[test]
fn spend_is_prorated_across_the_period_boundary() {
    let mut f = facts();
    // $300 over Oct 31, Nov 1, Nov 2: $100 a day, two days in November.
    f.spend = vec![spend("Google", d(2026, 10, 31), nov(2), 30_000)];
    let r = compute(&f, &november());
    assert_eq!(r.totals.cost, Some(dec("200")));
    assert_eq!(json(&r.totals)["cost"], "200.00");
    assert_eq!(json(&r.totals)["profit"], "-200.00");
}

#[test]
fn spend_wholly_inside_is_exact() {
    let mut f = facts();
    // $100 over three days inside the period: 100.00, not 3 × 33.33 = 99.99.
    f.spend = vec![spend("Google", nov(3), nov(5), 10_000)];
    f.leads = vec![lead(nov(3), "", "Google", "new"); 3];
    let r = compute(&f, &november());
    assert_eq!(r.totals.cost, Some(dec("100")));
    let t = json(&r.totals);
    assert_eq!(t["cost"], "100.00");
    // 100 / 3 = 33.333…
    assert_eq!(t["cpl"], "33.33");
}

#[test]
fn spend_partly_after_the_period() {
    let mut f = facts();
    // $100 over Nov 29, Nov 30, Dec 1: 66.666… in November.
    f.spend = vec![spend("Google", nov(29), d(2026, 12, 1), 10_000)];
    f.leads = vec![lead(nov(29), "", "Google", "new"); 3];
    let request = ReportRequest { from: nov(28), bucket: Some(Bucket::Day), ..november() };
    let r = compute(&f, &request);
    let t = json(&r.totals);
    assert_eq!(t["cost"], "66.67");
    assert_eq!(t["profit"], "-66.67");
    // 66.666… / 3 = 22.222…
    assert_eq!(t["cpl"], "22.22");
    let series = r.series.expect("series asked");
    let costs: Vec<_> = series.iter().map(|s| json(&s.metrics)["cost"].clone()).collect();
    assert_eq!(costs, [json!("0.00"), json!("33.33"), json!("33.33")]);
}

#[test]
fn spend_outside_the_period_or_inverted_is_ignored() {
    let mut f = facts();
    f.spend = vec![
        spend("Google", d(2026, 10, 1), d(2026, 10, 31), 31_000),
        spend("Google", d(2026, 12, 1), d(2026, 12, 2), 100),
        spend("Rely", nov(5), nov(1), 5_000), // date_from after date_to: covers no day
    ];
    let r = compute(&f, &november());
    assert_eq!(json(&r.totals)["cost"], "0.00");
    assert!(r.by_source.is_empty());
}

#[test]
fn zero_denominators_give_null() {
    let mut f = facts();
    f.calls = vec![call(nov(1), "Google")];
    f.spend = vec![spend("Google", nov(1), nov(1), 5_000)];
    let t = json(&compute(&f, &november()).totals);
    assert_eq!(
        t,
        json!({
            "leads": 0, "pro_referral_leads": 0, "units": 0, "repairs": 0, "jobs": 0, "calls": 1,
            "revenue_gross": "0.00", "revenue40": "0.00", "collected": "0.00", "cost": "50.00", "profit": "-50.00",
            "cpl": null, "cpu": null, "conv_l_u": null, "conv_l_r": null, "conv_u_r": null, "rev_per_lead": null
        })
    );

    // Leads but no units: the per-lead figures exist, the per-unit ones do not.
    f.leads = vec![lead(nov(1), "", "Google", "new"), lead(nov(1), "", "Google", "new")];
    let t = json(&compute(&f, &november()).totals);
    assert_eq!(t["cpl"], "25.00");
    assert_eq!(t["cpu"], json!(null));
    assert_eq!(t["conv_l_u"], 0.0);
    assert_eq!(t["conv_l_r"], 0.0);
    assert_eq!(t["conv_u_r"], json!(null));
    assert_eq!(t["rev_per_lead"], "0.00");
}

#[test]
fn revenue40_rounds_only_when_shown() {
    let mut f = facts();
    f.jobs = vec![done(nov(1), "Warranty", "Rely", 5)];
    let t = json(&compute(&f, &november()).totals);
    // 0.05 × 0.40 = 0.02
    assert_eq!((t["revenue_gross"].clone(), t["revenue40"].clone()), (json!("0.05"), json!("0.02")));

    // Three jobs of 0.01: each 0.004 (shown 0.00), together 0.012 (shown 0.01, not 3 × 0.00).
    f.jobs = (1..=3).map(|day| done(nov(day), "Warranty", "Rely", 1)).collect();
    let request = ReportRequest { to: nov(3), bucket: Some(Bucket::Day), ..november() };
    let r = compute(&f, &request);
    assert_eq!(r.totals.revenue40, dec("0.012"));
    assert_eq!(json(&r.totals)["revenue40"], "0.01");
    for row in r.series.expect("series asked") {
        assert_eq!(json(&row.metrics)["revenue40"], "0.00");
    }
}

#[test]
fn money_rounds_half_away_from_zero() {
    let mut f = facts();
    // One cent over Nov 30 and Dec 1: 0.005 in November.
    f.spend = vec![spend("Google", nov(30), d(2026, 12, 1), 1)];
    f.leads = vec![lead(nov(30), "", "Google", "new")];
    let t = json(&compute(&f, &november()).totals);
    assert_eq!(t["cost"], "0.01");
    assert_eq!(t["profit"], "-0.01");
    assert_eq!(t["cpl"], "0.01");
}

#[test]
fn series_by_day_has_every_day() {
    let mut f = facts();
    f.jobs = vec![done(nov(2), "COD Service", "Google", 5_000)];
    let request = ReportRequest { to: nov(5), bucket: Some(Bucket::Day), ..november() };
    let series = compute(&f, &request).series.expect("series asked");
    let rows: Vec<(String, u64, String)> = series
        .iter()
        .map(|s| (s.period.to_string(), s.metrics.jobs, json(&s.metrics)["revenue_gross"].to_string()))
        .collect();
    assert_eq!(
        rows,
        [
            ("2026-11-01".to_owned(), 0, "\"0.00\"".to_owned()),
            ("2026-11-02".to_owned(), 1, "\"50.00\"".to_owned()),
            ("2026-11-03".to_owned(), 0, "\"0.00\"".to_owned()),
            ("2026-11-04".to_owned(), 0, "\"0.00\"".to_owned()),
            ("2026-11-05".to_owned(), 0, "\"0.00\"".to_owned()),
        ]
    );
    let empty = json(&series[0].metrics);
    assert_eq!(
        (empty["cost"].clone(), empty["collected"].clone(), empty["cpl"].clone()),
        (json!("0.00"), json!("0.00"), json!(null))
    );
}

#[test]
fn series_by_week_starts_monday_and_names_a_partial_week_by_its_monday() {
    let mut f = facts();
    f.jobs = vec![
        done(d(2026, 10, 30), "COD Service", "Google", 1_000), // in the first week, but before the period
        done(nov(1), "COD Service", "Google", 2_000),          // Sunday: last day of the week of Oct 26
        done(nov(9), "COD Service", "Google", 4_000),          // Monday: first day of the week of Nov 9
    ];
    // $70 over Oct 26 – Nov 1: $10 a day; only Nov 1 is in the period.
    f.spend = vec![spend("Google", d(2026, 10, 26), nov(1), 7_000)];
    let request = ReportRequest { to: nov(10), bucket: Some(Bucket::Week), ..november() };
    let r = compute(&f, &request);
    let rows: Vec<(String, u64, serde_json::Value)> = r
        .series
        .expect("series asked")
        .iter()
        .map(|s| (s.period.to_string(), s.metrics.jobs, json(&s.metrics)["cost"].clone()))
        .collect();
    assert_eq!(
        rows,
        [
            ("2026-10-26".to_owned(), 1, json!("10.00")),
            ("2026-11-02".to_owned(), 0, json!("0.00")),
            ("2026-11-09".to_owned(), 1, json!("0.00")),
        ]
    );
    assert_eq!(json(&r.totals)["cost"], "10.00");
    assert_eq!(r.totals.jobs, 2);
}

#[test]
fn series_by_month_names_a_partial_month_by_its_first() {
    let mut f = facts();
    f.jobs = vec![done(d(2026, 12, 5), "INS Repair", "Rely", 9_900)];
    let request =
        ReportRequest { from: d(2026, 10, 15), to: d(2026, 12, 31), bucket: Some(Bucket::Month), ..november() };
    let series = compute(&f, &request).series.expect("series asked");
    let rows: Vec<(String, u64)> = series.iter().map(|s| (s.period.to_string(), s.metrics.repairs)).collect();
    assert_eq!(rows, [("2026-10-01".to_owned(), 0), ("2026-11-01".to_owned(), 0), ("2026-12-01".to_owned(), 1)]);
}

#[test]
fn no_bucket_no_series() {
    let r = compute(&facts(), &november());
    assert!(r.series.is_none());
    let value = serde_json::to_value(&r).expect("serializes");
    assert!(value.get("series").is_none());
}

#[test]
fn excluded_job_statuses_leave_jobs_out() {
    let mut f = facts();
    f.jobs = vec![
        job(nov(1), "COD Service", "Rely", "Canceled", Some(20_000)),
        job(nov(1), "COD Service", "Rely", " canceled ", Some(20_000)),
        job(nov(1), "COD Repair", "Thumbtack", "CANCELED", Some(1_000)), // its source only appears here
        job(nov(1), "COD Service", "Rely", "Done", Some(20_000)),
        job(nov(1), "INS Service", "Rely", "", Some(3_000)),
    ];
    let all = compute(&f, &november());
    assert_eq!((all.totals.jobs, all.totals.repairs), (5, 4));
    assert_eq!(all.excluded_job_statuses, Vec::<String>::new());

    let request = ReportRequest { excluded_job_statuses: vec!["Canceled".to_owned()], ..november() };
    let r = compute(&f, &request);
    assert_eq!((r.totals.jobs, r.totals.units, r.totals.repairs), (2, 2, 1));
    assert_eq!(json(&r.totals)["revenue_gross"], "230.00");
    assert_eq!(source_names(&r), ["Rely"]);
    assert_eq!(r.excluded_job_statuses, ["Canceled"]);
}

#[test]
fn aliases_merge_spellings_into_one_source() {
    let mut f = facts();
    f.jobs = vec![done(nov(1), "COD Service", "GoogleAds", 1_000), done(nov(2), "COD Service", "google", 1_000)];
    f.leads = vec![lead(nov(1), "", "google ads", "new")];
    f.calls = vec![call(nov(1), "googleads")];
    f.spend = vec![spend("GOOGLEADS", nov(1), nov(1), 4_000)];
    let request = ReportRequest {
        aliases: [("GoogleAds", "Google"), ("Google Ads", "Google")].into_iter().collect(),
        ..november()
    };
    let r = compute(&f, &request);
    assert_eq!(source_names(&r), ["Google"]);
    let g = json(source_row(&r, "Google"));
    assert_eq!((g["jobs"].clone(), g["leads"].clone(), g["calls"].clone()), (json!(2), json!(1), json!(1)));
    assert_eq!(
        (g["cost"].clone(), g["cpl"].clone(), g["cpu"].clone()),
        (json!("40.00"), json!("40.00"), json!("20.00"))
    );
}

#[test]
fn source_filter_restricts_everything_to_that_source() {
    let mut f = facts();
    f.jobs = vec![done(nov(1), "COD Service", "GoogleAds", 12_000), done(nov(1), "INS Service", "Rely", 5_000)];
    f.leads = vec![lead(nov(1), "COD Service", "Google", "new"), lead(nov(1), "INS Service", "Rely", "new")];
    f.calls = vec![call(nov(1), "Google"), call(nov(1), "Rely"), call(nov(2), "Rely")];
    f.payments = vec![payment(nov(1), 12_000, "Google", "COD Service"), payment(nov(1), 5_000, "Rely", "INS Service")];
    f.spend = vec![spend("Google", nov(1), nov(30), 3_000), spend("Rely", nov(1), nov(30), 6_000)];
    let request = ReportRequest {
        source: Some(" googleads ".to_owned()),
        aliases: SourceAliases::new().with("GoogleAds", "Google"),
        ..november()
    };
    let r = compute(&f, &request);
    assert_eq!(r.source_filter.as_deref(), Some("Google"));
    assert_eq!(source_names(&r), ["Google"]);
    assert_eq!(
        json(&r.totals),
        json!({
            "leads": 1, "pro_referral_leads": 0, "units": 1, "repairs": 1, "jobs": 1, "calls": 1,
            "revenue_gross": "120.00", "revenue40": "48.00", "collected": "120.00", "cost": "30.00", "profit": "18.00",
            "cpl": "30.00", "cpu": "30.00", "conv_l_u": 1.0, "conv_l_r": 1.0, "conv_u_r": 1.0, "rev_per_lead": "48.00"
        })
    );
    assert_eq!(json(source_row(&r, "Google")), json(&r.totals));
    let jobs: Vec<u64> = r.by_segment.iter().map(|s| s.metrics.jobs).collect();
    assert_eq!(jobs, [1, 0, 0]);
}

#[test]
fn source_filter_on_a_source_without_spend_has_null_cpl_in_totals() {
    let mut f = facts();
    f.leads = vec![lead(nov(1), "", "Rely", "new")];
    f.jobs = vec![done(nov(1), "COD Service", "Rely", 0)];
    f.spend = vec![spend("Google", nov(1), nov(30), 3_000)];
    let request = ReportRequest { source: Some("rely".to_owned()), bucket: Some(Bucket::Month), ..november() };
    let r = compute(&f, &request);
    let t = json(&r.totals);
    assert_eq!((t["cost"].clone(), t["cpl"].clone(), t["cpu"].clone()), (json!("0.00"), json!(null), json!(null)));
    let s = json(&r.series.expect("series asked")[0].metrics);
    assert_eq!((s["cpl"].clone(), s["cpu"].clone()), (json!(null), json!(null)));
}

#[test]
fn segment_filter_nulls_calls_and_cost() {
    let mut f = facts();
    f.jobs = vec![done(nov(1), "COD Service", "Google", 15_000), done(nov(1), "INS Service", "Rely", 5_000)];
    f.leads = vec![lead(nov(1), "COD Service", "Google", "new"), lead(nov(1), "INS Repair", "Rely", "new")];
    f.calls = vec![call(nov(1), "Google"), call(nov(1), "Flow Only")];
    f.payments = vec![payment(nov(2), 15_000, "Google", "COD Service"), payment(nov(2), 5_000, "Rely", "INS Service")];
    f.spend = vec![spend("Google", nov(1), nov(30), 3_000), spend("Spend Only", nov(1), nov(30), 1_000)];
    let request = ReportRequest { segment: Some(Segment::Cod), bucket: Some(Bucket::Month), ..november() };
    let r = compute(&f, &request);
    let expected = json!({
        "leads": 1, "pro_referral_leads": 0, "units": 1, "repairs": 1, "jobs": 1, "calls": null,
        "revenue_gross": "150.00", "revenue40": "60.00", "collected": "150.00", "cost": null, "profit": null,
        "cpl": null, "cpu": null, "conv_l_u": 1.0, "conv_l_r": 1.0, "conv_u_r": 1.0, "rev_per_lead": "60.00"
    });
    assert_eq!(json(&r.totals), expected);
    assert_eq!(json(&r.series.as_ref().expect("series asked")[0].metrics), expected);
    assert_eq!(source_names(&r), ["Google"]);
    assert_eq!(json(source_row(&r, "Google")), expected);
    let ins = json(&r.by_segment[1].metrics);
    assert_eq!(
        (ins["jobs"].clone(), ins["leads"].clone(), ins["collected"].clone()),
        (json!(0), json!(0), json!("0.00"))
    );
    assert_eq!(r.segment_filter, Some(Segment::Cod));
}

#[test]
fn segment_rows_never_have_calls_or_cost() {
    let mut f = facts();
    f.calls = vec![call(nov(1), "Google")];
    f.spend = vec![spend("Google", nov(1), nov(30), 3_000)];
    f.leads = vec![lead(nov(1), "COD Service", "Google", "new")];
    let r = compute(&f, &november());
    let segments: Vec<&str> = r.by_segment.iter().map(|s| s.segment.as_str()).collect();
    assert_eq!(segments, ["COD", "INS", "OTHER"]);
    for row in &r.by_segment {
        let m = json(&row.metrics);
        for key in ["calls", "cost", "profit", "cpl", "cpu"] {
            assert_eq!(m[key], json!(null), "{} {key}", row.segment);
        }
    }
    assert_eq!(json(&r.by_segment[0].metrics)["rev_per_lead"], "0.00");
}

#[test]
fn collected_is_null_without_payment_records() {
    let mut f = facts();
    f.jobs = vec![done(nov(1), "COD Service", "Google", 15_000)];
    f.has_payment_records = false;
    let r = compute(&f, &november());
    assert_eq!(r.totals.collected, None);
    assert_eq!(source_row(&r, "Google").collected, None);
    assert!(r.by_segment.iter().all(|s| s.metrics.collected.is_none()));

    // The account has payment records, none in this period: zero, not unknown.
    f.has_payment_records = true;
    f.payments = vec![payment(d(2026, 10, 2), 15_000, "Google", "COD Service")];
    assert_eq!(json(&compute(&f, &november()).totals)["collected"], "0.00");

    f.payments.push(payment(nov(3), 12_345, "Google", "COD Service"));
    f.payments.push(payment(nov(4), -345, "Google", "COD Service"));
    let r = compute(&f, &november());
    assert_eq!(json(&r.totals)["collected"], "120.00");
    assert_eq!(json(&r.by_segment[0].metrics)["collected"], "120.00");
    assert_eq!(json(&r.by_segment[1].metrics)["collected"], "0.00");
}

#[test]
fn cpl_is_null_for_a_source_without_spend_while_totals_use_known_spend() {
    let mut f = facts();
    f.leads = vec![
        lead(nov(1), "", "Google", "new"),
        lead(nov(1), "", "Google", "new"),
        lead(nov(1), "", "Rely", "new"),
        lead(nov(1), "", "Rely", "new"),
    ];
    f.jobs = vec![done(nov(2), "COD Service", "Google", 5_000), done(nov(2), "INS Service", "Rely", 10_000)];
    f.spend = vec![
        spend("Google", nov(1), nov(30), 10_000),
        spend("Rely", d(2026, 10, 1), d(2026, 10, 31), 99_900), // before the period: Rely's cost is unknown
    ];
    let r = compute(&f, &november());
    let t = json(&r.totals);
    // 100.00 of known spend over 4 leads and 2 units.
    assert_eq!(
        (t["cost"].clone(), t["cpl"].clone(), t["cpu"].clone()),
        (json!("100.00"), json!("25.00"), json!("50.00"))
    );
    let g = json(source_row(&r, "Google"));
    assert_eq!(
        (g["cost"].clone(), g["cpl"].clone(), g["cpu"].clone()),
        (json!("100.00"), json!("50.00"), json!("100.00"))
    );
    let rely = json(source_row(&r, "Rely"));
    // revenue40 = 100.00 × 0.40 = 40.00; cost 0.00 is what is known, cpl and cpu are unknown.
    assert_eq!(
        (rely["cost"].clone(), rely["profit"].clone(), rely["cpl"].clone(), rely["cpu"].clone()),
        (json!("0.00"), json!("40.00"), json!(null), json!(null))
    );
}

#[test]
fn totals_without_any_spend_have_zero_cost_per_lead() {
    let mut f = facts();
    f.leads = vec![lead(nov(1), "", "Google", "new")];
    let t = json(&compute(&f, &november()).totals);
    assert_eq!((t["cost"].clone(), t["cpl"].clone()), (json!("0.00"), json!("0.00")));
}

#[test]
fn by_source_is_sorted_and_covers_call_and_spend_sources() {
    let mut f = facts();
    f.leads = vec![
        lead(nov(1), "", "Zeta", "new"),
        lead(nov(1), "", "alpha", "new"),
        lead(nov(1), "", "Beta", "new"),
        lead(nov(1), "", "Beta", "new"),
        lead(nov(1), "", "Beta", "new"),
    ];
    f.calls = vec![call(nov(1), "Calls Only")];
    f.spend = vec![spend("Spend Only", nov(1), nov(1), 100)];
    f.payments = vec![payment(nov(1), 100, "Paid Only", "")];
    let r = compute(&f, &november());
    assert_eq!(source_names(&r), ["Beta", "alpha", "Zeta", "Calls Only", "Paid Only", "Spend Only"]);
}

#[test]
fn empty_facts_still_list_every_segment() {
    let r = compute(&Facts::default(), &november());
    assert!(r.by_source.is_empty());
    assert_eq!(r.by_segment.len(), 3);
    assert_eq!(r.totals.collected, None);
    assert_eq!(r.totals.jobs, 0);
}

#[test]
fn an_inverted_period_is_an_error_and_computes_nothing() {
    let request = ReportRequest { from: nov(30), to: nov(1), bucket: Some(Bucket::Day), ..november() };
    assert!(request.validate().is_err());
    let mut f = facts();
    f.jobs = vec![done(nov(15), "COD Service", "Google", 100)];
    let r = compute(&f, &request);
    assert_eq!(r.totals.jobs, 0);
    assert_eq!(r.series.map(|s| s.len()), Some(0));
}
