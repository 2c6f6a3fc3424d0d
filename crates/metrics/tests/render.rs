//! CSV and terminal table of the [`sample`] report, line by line. The numbers are the hand-computed
//! ones of `tests/json.rs`.

mod common;

use common::*;
use metrics_engine::{Bucket, ReportRequest, Segment, compute, render_csv, render_table};

fn sample_report() -> metrics_engine::Report {
    let (facts, request) = sample();
    compute(&facts, &ReportRequest { bucket: Some(Bucket::Month), ..request })
}

#[test]
fn csv_has_one_row_per_slice() {
    let expected = "\
slice,key,leads,pro_referral_leads,units,repairs,jobs,calls,revenue_gross,revenue40,collected,cost,profit,cpl,cpu,conv_l_u,conv_l_r,conv_u_r,rev_per_lead
total,,3,0,2,1,3,2,230.00,92.00,150.00,200.00,-108.00,66.67,100.00,0.6667,0.3333,0.5000,30.67
source,Google,2,0,1,1,1,1,150.00,60.00,150.00,200.00,-140.00,100.00,200.00,0.5000,0.5000,1.0000,30.00
source,Rely,1,0,1,0,1,0,80.00,32.00,0.00,0.00,32.00,,,1.0000,0.0000,0.0000,32.00
source,(none),0,0,0,0,1,0,0.00,0.00,0.00,0.00,0.00,,,,,,
source,Forward to Dispatch,0,0,0,0,0,1,0.00,0.00,0.00,0.00,0.00,,,,,,
segment,COD,2,0,1,1,1,,150.00,60.00,150.00,,,,,0.5000,0.5000,1.0000,30.00
segment,INS,1,0,1,0,1,,80.00,32.00,0.00,,,,,1.0000,0.0000,0.0000,32.00
segment,OTHER,0,0,0,0,1,,0.00,0.00,0.00,,,,,,,,
series,2026-11-01,3,0,2,1,3,2,230.00,92.00,150.00,200.00,-108.00,66.67,100.00,0.6667,0.3333,0.5000,30.67
";
    assert_eq!(render_csv(&sample_report()), expected);
}

#[test]
fn csv_quotes_sources_with_commas() {
    let mut f = facts();
    f.calls = vec![call(nov(1), "Smith, Jones \"SJ\"")];
    let csv = render_csv(&compute(&f, &november()));
    let line = csv.lines().find(|l| l.starts_with("source,")).expect("a source row");
    assert_eq!(line, r#"source,"Smith, Jones ""SJ""",0,0,0,0,0,1,0.00,0.00,0.00,0.00,0.00,,,,,,"#);
}

#[test]
fn table_lines_are_aligned() {
    let table = render_table(&sample_report());
    let lines: Vec<&str> = table.lines().collect();
    let header = "                     leads  pro_ref  units  repairs  jobs  calls  revenue  rev40  collected    cost   profit     cpl     cpu  conv_l_u  conv_l_r  conv_u_r  rev/lead";
    let expected = [
        "Report 2026-11-01 to 2026-11-30 (America/New_York); excluded job statuses: Canceled",
        "",
        "Totals",
        header,
        "all                      3        0      2        1     3      2   230.00  92.00     150.00  200.00  -108.00   66.67  100.00    66.67%    33.33%    50.00%     30.67",
        "",
        "By source",
    ];
    assert_eq!(lines[..7], expected);
    assert_eq!(lines[7], format!("source{}", &header[6..]));
    assert_eq!(
        lines[9],
        "Rely                     1        0      1        0     1      0    80.00  32.00       0.00    0.00    32.00       —       —   100.00%     0.00%     0.00%     32.00"
    );
    assert_eq!(
        lines[10],
        "(none)                   0        0      0        0     1      0     0.00   0.00       0.00    0.00     0.00       —       —         —         —         —         —"
    );
    assert_eq!(lines[12..14], ["", "By segment"]);
    assert_eq!(
        lines[15],
        "COD                      2        0      1        1     1      —   150.00  60.00     150.00       —        —       —       —    50.00%    50.00%   100.00%     30.00"
    );
    assert_eq!(lines[18..20], ["", "Series"]);
    assert_eq!(lines[21], format!("2026-11-01{}", &lines[4][10..]));
    assert_eq!(lines.len(), 22);
}

#[test]
fn table_names_filters_and_empty_exclusions() {
    let request = ReportRequest { source: Some("google".to_owned()), segment: Some(Segment::Ins), ..november() };
    let table = render_table(&compute(&facts(), &request));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "Report 2026-11-01 to 2026-11-30 (America/New_York); excluded job statuses: none");
    assert_eq!(lines[1], "Filtered to source google, segment INS");
    // With a matching record the filter is named as the source row is.
    let mut f = facts();
    f.leads = vec![lead(nov(1), "INS Service", "Google", "new")];
    let table = render_table(&compute(&f, &request));
    assert_eq!(table.lines().nth(1), Some("Filtered to source Google, segment INS"));
    // No series section without a bucket.
    assert!(!table.contains("Series"));
}
