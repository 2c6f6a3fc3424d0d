//! The report model. Values are kept exact; serialization rounds them as `METRICS.md` shows them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::money::{format_money, ratio_as_f64};
use crate::rules::Segment;

/// The metrics of one slice, exact. `None` is shown as `null`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Metrics {
    pub leads: u64,
    pub pro_referral_leads: u64,
    pub units: u64,
    pub repairs: u64,
    pub jobs: u64,
    /// `None` in a segment slice: calls have no segment.
    pub calls: Option<u64>,
    #[serde(serialize_with = "money")]
    pub revenue_gross: Decimal,
    #[serde(serialize_with = "money")]
    pub revenue40: Decimal,
    /// `None` when the account has no payment records at all.
    #[serde(serialize_with = "opt_money")]
    pub collected: Option<Decimal>,
    /// `None` in a segment slice: spend has no segment.
    #[serde(serialize_with = "opt_money")]
    pub cost: Option<Decimal>,
    #[serde(serialize_with = "opt_money")]
    pub profit: Option<Decimal>,
    #[serde(serialize_with = "opt_money")]
    pub cpl: Option<Decimal>,
    #[serde(serialize_with = "opt_money")]
    pub cpu: Option<Decimal>,
    #[serde(serialize_with = "opt_ratio")]
    pub conv_l_u: Option<Decimal>,
    #[serde(serialize_with = "opt_ratio")]
    pub conv_l_r: Option<Decimal>,
    #[serde(serialize_with = "opt_ratio")]
    pub conv_u_r: Option<Decimal>,
    #[serde(serialize_with = "opt_money")]
    pub rev_per_lead: Option<Decimal>,
}

/// How a metric is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value {
    Count(Option<u64>),
    Money(Option<Decimal>),
    Ratio(Option<Decimal>),
}

impl Metrics {
    /// The metric keys, in the order of `METRICS.md` (and of the JSON, CSV and table columns).
    pub const KEYS: [&'static str; 17] = [
        "leads",
        "pro_referral_leads",
        "units",
        "repairs",
        "jobs",
        "calls",
        "revenue_gross",
        "revenue40",
        "collected",
        "cost",
        "profit",
        "cpl",
        "cpu",
        "conv_l_u",
        "conv_l_r",
        "conv_u_r",
        "rev_per_lead",
    ];

    /// The values in [`Metrics::KEYS`] order.
    pub(crate) fn values(&self) -> [Value; 17] {
        use Value::{Count, Money, Ratio};
        [
            Count(Some(self.leads)),
            Count(Some(self.pro_referral_leads)),
            Count(Some(self.units)),
            Count(Some(self.repairs)),
            Count(Some(self.jobs)),
            Count(self.calls),
            Money(Some(self.revenue_gross)),
            Money(Some(self.revenue40)),
            Money(self.collected),
            Money(self.cost),
            Money(self.profit),
            Money(self.cpl),
            Money(self.cpu),
            Ratio(self.conv_l_u),
            Ratio(self.conv_l_r),
            Ratio(self.conv_u_r),
            Money(self.rev_per_lead),
        ]
    }
}

fn money<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_money(*value))
}

fn opt_money<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => money(v, serializer),
        None => serializer.serialize_none(),
    }
}

fn opt_ratio<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.serialize_f64(ratio_as_f64(*v)),
        None => serializer.serialize_none(),
    }
}

/// One source's slice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRow {
    pub source: String,
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// One segment's slice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentRow {
    pub segment: Segment,
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// One bucket of the series, named by its calendar first day (see [`crate::Bucket`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeriesRow {
    pub period: NaiveDate,
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// A computed report. Serializes to exactly the JSON object of `METRICS.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub timezone: String,
    pub excluded_job_statuses: Vec<String>,
    pub totals: Metrics,
    pub by_source: Vec<SourceRow>,
    pub by_segment: Vec<SegmentRow>,
    /// Present only when a bucket was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<Vec<SeriesRow>>,
    /// The source filter as resolved through the aliases; not part of the JSON contract, shown by the
    /// table header so a reader knows the numbers are a slice.
    #[serde(skip)]
    pub source_filter: Option<String>,
    /// The segment filter; like `source_filter`, table only.
    #[serde(skip)]
    pub segment_filter: Option<Segment>,
}
