//! The JSON report, compared as a whole string: key order, number and money formats, nulls.

mod common;

use common::*;
use metrics_engine::{Bucket, ReportRequest, compute, render_json};

/// Every number below is worked out by hand from [`sample`]'s comment:
/// totals: revenue 150.00 + 80.00 = 230.00, × 0.40 = 92.00; profit 92.00 − 200.00 = −108.00;
/// cpl 200 / 3 = 66.666…; cpu 200 / 2 = 100; conv 2/3, 1/3, 1/2; rev/lead 92 / 3 = 30.666….
/// Google: 2 leads, J1 only, cost 200 → profit 60 − 200 = −140, cpl 100, cpu 200.
/// Rely: no spend entry, so cost 0.00 but cpl and cpu null. (none) and Forward to Dispatch have no
/// leads: every per-lead figure is null. Sources with 0 leads sort by name: "(" sorts before "F".
const EXPECTED: &str = r#"{
  "from": "2026-11-01",
  "to": "2026-11-30",
  "timezone": "America/New_York",
  "excluded_job_statuses": [
    "Canceled"
  ],
  "totals": {
    "leads": 3,
    "pro_referral_leads": 0,
    "units": 2,
    "repairs": 1,
    "jobs": 3,
    "calls": 2,
    "revenue_gross": "230.00",
    "revenue40": "92.00",
    "collected": "150.00",
    "cost": "200.00",
    "profit": "-108.00",
    "cpl": "66.67",
    "cpu": "100.00",
    "conv_l_u": 0.6667,
    "conv_l_r": 0.3333,
    "conv_u_r": 0.5,
    "rev_per_lead": "30.67"
  },
  "by_source": [
    {
      "source": "Google",
      "leads": 2,
      "pro_referral_leads": 0,
      "units": 1,
      "repairs": 1,
      "jobs": 1,
      "calls": 1,
      "revenue_gross": "150.00",
      "revenue40": "60.00",
      "collected": "150.00",
      "cost": "200.00",
      "profit": "-140.00",
      "cpl": "100.00",
      "cpu": "200.00",
      "conv_l_u": 0.5,
      "conv_l_r": 0.5,
      "conv_u_r": 1.0,
      "rev_per_lead": "30.00"
    },
    {
      "source": "Rely",
      "leads": 1,
      "pro_referral_leads": 0,
      "units": 1,
      "repairs": 0,
      "jobs": 1,
      "calls": 0,
      "revenue_gross": "80.00",
      "revenue40": "32.00",
      "collected": "0.00",
      "cost": "0.00",
      "profit": "32.00",
      "cpl": null,
      "cpu": null,
      "conv_l_u": 1.0,
      "conv_l_r": 0.0,
      "conv_u_r": 0.0,
      "rev_per_lead": "32.00"
    },
    {
      "source": "(none)",
      "leads": 0,
      "pro_referral_leads": 0,
      "units": 0,
      "repairs": 0,
      "jobs": 1,
      "calls": 0,
      "revenue_gross": "0.00",
      "revenue40": "0.00",
      "collected": "0.00",
      "cost": "0.00",
      "profit": "0.00",
      "cpl": null,
      "cpu": null,
      "conv_l_u": null,
      "conv_l_r": null,
      "conv_u_r": null,
      "rev_per_lead": null
    },
    {
      "source": "Forward to Dispatch",
      "leads": 0,
      "pro_referral_leads": 0,
      "units": 0,
      "repairs": 0,
      "jobs": 0,
      "calls": 1,
      "revenue_gross": "0.00",
      "revenue40": "0.00",
      "collected": "0.00",
      "cost": "0.00",
      "profit": "0.00",
      "cpl": null,
      "cpu": null,
      "conv_l_u": null,
      "conv_l_r": null,
      "conv_u_r": null,
      "rev_per_lead": null
    }
  ],
  "by_segment": [
    {
      "segment": "COD",
      "leads": 2,
      "pro_referral_leads": 0,
      "units": 1,
      "repairs": 1,
      "jobs": 1,
      "calls": null,
      "revenue_gross": "150.00",
      "revenue40": "60.00",
      "collected": "150.00",
      "cost": null,
      "profit": null,
      "cpl": null,
      "cpu": null,
      "conv_l_u": 0.5,
      "conv_l_r": 0.5,
      "conv_u_r": 1.0,
      "rev_per_lead": "30.00"
    },
    {
      "segment": "INS",
      "leads": 1,
      "pro_referral_leads": 0,
      "units": 1,
      "repairs": 0,
      "jobs": 1,
      "calls": null,
      "revenue_gross": "80.00",
      "revenue40": "32.00",
      "collected": "0.00",
      "cost": null,
      "profit": null,
      "cpl": null,
      "cpu": null,
      "conv_l_u": 1.0,
      "conv_l_r": 0.0,
      "conv_u_r": 0.0,
      "rev_per_lead": "32.00"
    },
    {
      "segment": "OTHER",
      "leads": 0,
      "pro_referral_leads": 0,
      "units": 0,
      "repairs": 0,
      "jobs": 1,
      "calls": null,
      "revenue_gross": "0.00",
      "revenue40": "0.00",
      "collected": "0.00",
      "cost": null,
      "profit": null,
      "cpl": null,
      "cpu": null,
      "conv_l_u": null,
      "conv_l_r": null,
      "conv_u_r": null,
      "rev_per_lead": null
    }
  ],
  "series": [
    {
      "period": "2026-11-01",
      "leads": 3,
      "pro_referral_leads": 0,
      "units": 2,
      "repairs": 1,
      "jobs": 3,
      "calls": 2,
      "revenue_gross": "230.00",
      "revenue40": "92.00",
      "collected": "150.00",
      "cost": "200.00",
      "profit": "-108.00",
      "cpl": "66.67",
      "cpu": "100.00",
      "conv_l_u": 0.6667,
      "conv_l_r": 0.3333,
      "conv_u_r": 0.5,
      "rev_per_lead": "30.67"
    }
  ]
}"#;

#[test]
fn full_report_json_is_exact() {
    let (facts, request) = sample();
    let request = ReportRequest { bucket: Some(Bucket::Month), ..request };
    let json = render_json(&compute(&facts, &request)).expect("serializes");
    assert_eq!(json, EXPECTED);
}

#[test]
fn compact_json_has_no_series_key_without_a_bucket() {
    let (facts, request) = sample();
    let json = serde_json::to_string(&compute(&facts, &request)).expect("serializes");
    assert!(json.starts_with(r#"{"from":"2026-11-01","to":"2026-11-30","timezone":"America/New_York","excluded_job_statuses":["Canceled"],"totals":{"leads":3,"#));
    assert!(json.ends_with(r#""segment":"OTHER","leads":0,"pro_referral_leads":0,"units":0,"repairs":0,"jobs":1,"calls":null,"revenue_gross":"0.00","revenue40":"0.00","collected":"0.00","cost":null,"profit":null,"cpl":null,"cpu":null,"conv_l_u":null,"conv_l_r":null,"conv_u_r":null,"rev_per_lead":null}]}"#));
    assert!(!json.contains("series"));
}

#[test]
fn negative_money_has_a_sign_and_two_decimals() {
    let mut f = facts();
    f.jobs = vec![done(nov(1), "COD Service", "Rely", -1_200)];
    let json = serde_json::to_value(compute(&f, &november()).totals).expect("serializes");
    assert_eq!(json["revenue_gross"], "-12.00");
    assert_eq!(json["revenue40"], "-4.80");
    assert_eq!(json["profit"], "-4.80");
}
