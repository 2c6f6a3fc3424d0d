//! Slices the facts and computes every metric of `METRICS.md`.
//!
//! Decisions where `METRICS.md` leaves room:
//! - A source is shown with its alias-table spelling when the table knows it; otherwise with the
//!   spelling used by most records of the report, ties going to the smallest spelling in byte order.
//!   This does not depend on the order the facts arrive in.
//! - A source row appears for every source of a record that is in the report: jobs (not left out by
//!   status), leads (counted or not), payments, and, when no segment is asked, calls and spend entries
//!   overlapping the period. Payments are included so that the source rows add up to the totals.
//! - Excluded job statuses apply to jobs only; leads and payments carry no job status here.
//! - With a source filter the totals and the series are that source's slice, so their cpl and cpu
//!   are null when it has no spend in the period; without one the totals use whatever spend is known.
//! - In a source row with no spend entry in the period, cost is 0.00 and profit is revenue40: only cpl
//!   and cpu are null, as the contract says. A series bucket of a source with spend elsewhere in the
//!   period has cost 0.00, not null.
//! - When from > to the report is empty; [`crate::ReportRequest::validate`] reports that as an error.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use crate::facts::{Facts, SpendEntry};
use crate::money::{from_cents, per, ratio};
use crate::report::{Metrics, Report, SegmentRow, SeriesRow, SourceRow};
use crate::request::{Bucket, ReportRequest};
use crate::rules::{self, Segment, normalize_key};

/// A series never holds more buckets than this (about 274 years of days), so that a hand-built request
/// over an absurd period cannot exhaust memory. [`ReportRequest::validate`] rejects such requests.
pub const MAX_BUCKETS: usize = 100_000;

/// Computes the report of `request` from `facts`. Records outside the period are ignored.
pub fn compute(facts: &Facts, request: &ReportRequest) -> Report {
    let buckets = request.bucket.map(|b| bucket_spans(b, request.from, request.to));
    let mut acc = Accumulator::new(request, buckets.as_deref().unwrap_or_default());
    acc.add_facts(facts);
    acc.finish(facts.has_payment_records, buckets.as_deref())
}

/// Inclusive range of days; empty when `start > end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: NaiveDate,
    end: NaiveDate,
}

impl Span {
    fn contains(self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    fn overlap_days(self, other: Span) -> i64 {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        if start > end { 0 } else { (end - start).num_days() + 1 }
    }

    fn days(self) -> i64 {
        self.overlap_days(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BucketSpan {
    name: NaiveDate,
    span: Span,
}

fn bucket_start(bucket: Bucket, day: NaiveDate) -> NaiveDate {
    match bucket {
        Bucket::Day => day,
        Bucket::Week => day.checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday()))).unwrap_or(day),
        Bucket::Month => day.with_day(1).unwrap_or(day),
    }
}

fn next_bucket_start(bucket: Bucket, start: NaiveDate) -> Option<NaiveDate> {
    match bucket {
        Bucket::Day => start.succ_opt(),
        Bucket::Week => start.checked_add_days(Days::new(7)),
        Bucket::Month if start.month() == 12 => NaiveDate::from_ymd_opt(start.year().checked_add(1)?, 1, 1),
        Bucket::Month => NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1),
    }
}

/// Every bucket touching `from..=to`, oldest first, each holding only its days inside the period.
fn bucket_spans(bucket: Bucket, from: NaiveDate, to: NaiveDate) -> Vec<BucketSpan> {
    let mut spans = Vec::new();
    if from > to {
        return spans;
    }
    let mut name = bucket_start(bucket, from);
    while spans.len() < MAX_BUCKETS {
        let next = next_bucket_start(bucket, name);
        let last = next.and_then(|n| n.pred_opt()).unwrap_or(NaiveDate::MAX);
        spans.push(BucketSpan { name, span: Span { start: name.max(from), end: last.min(to) } });
        match next {
            Some(n) if n <= to => name = n,
            _ => break,
        }
    }
    spans
}

pub(crate) fn bucket_count(bucket: Bucket, from: NaiveDate, to: NaiveDate) -> usize {
    bucket_spans(bucket, from, to).len()
}

/// The additive part of a slice's metrics.
#[derive(Debug, Clone, Default)]
struct Tally {
    leads: u64,
    pro_referral_leads: u64,
    units: u64,
    repairs: u64,
    jobs: u64,
    calls: u64,
    revenue_cents: i128,
    collected_cents: i128,
    cost: Decimal,
}

#[derive(Debug, Default)]
struct SourceTally {
    /// How many records used each spelling (after aliasing).
    spellings: BTreeMap<String, u64>,
    tally: Tally,
    has_spend: bool,
}

/// Jobs of one day sharing type, source and status, borrowed from a fact or a group.
#[derive(Debug, Clone, Copy)]
struct JobsRef<'f> {
    day: NaiveDate,
    job_type: Option<&'f str>,
    source: Option<&'f str>,
    status: Option<&'f str>,
    jobs: u64,
    paid_cents: i64,
    over_threshold: u64,
}

/// Where one record is counted.
#[derive(Debug)]
struct Target {
    source_key: String,
    segment: Option<Segment>,
    bucket: Option<usize>,
}

/// What a slice cannot know.
#[derive(Debug, Clone, Copy)]
struct Known {
    /// Calls and spend have no segment.
    calls_and_cost: bool,
    /// A source without spend entries has an unknown cost per lead and unit.
    spend: bool,
    collected: bool,
}

#[derive(Debug)]
struct Accumulator<'a> {
    request: &'a ReportRequest,
    period: Span,
    buckets: &'a [BucketSpan],
    source_filter: Option<String>,
    totals: Tally,
    segments: [Tally; 3],
    series: Vec<Tally>,
    sources: BTreeMap<String, SourceTally>,
}

impl<'a> Accumulator<'a> {
    fn new(request: &'a ReportRequest, buckets: &'a [BucketSpan]) -> Self {
        Accumulator {
            request,
            period: Span { start: request.from, end: request.to },
            buckets,
            source_filter: request.source.as_deref().map(|s| normalize_key(request.aliases.resolve(Some(s)))),
            totals: Tally::default(),
            segments: Default::default(),
            series: vec![Tally::default(); buckets.len()],
            sources: BTreeMap::new(),
        }
    }

    fn bucket_of(&self, day: NaiveDate) -> Option<usize> {
        let index = self.buckets.partition_point(|b| b.span.end < day);
        self.buckets.get(index).filter(|b| b.span.contains(day)).map(|_| index)
    }

    /// Checks the period and source filter, records the spelling, and says where the record counts.
    fn admit(&mut self, day: NaiveDate, source: &str, segment: Option<Segment>, weight: u64) -> Option<Target> {
        if !self.period.contains(day) {
            return None;
        }
        self.admit_source(source, segment, weight).map(|mut target| {
            target.bucket = self.bucket_of(day);
            target
        })
    }

    fn admit_source(&mut self, source: &str, segment: Option<Segment>, weight: u64) -> Option<Target> {
        let source_key = normalize_key(source);
        if self.source_filter.as_ref().is_some_and(|f| *f != source_key) {
            return None;
        }
        if let (Some(wanted), Some(segment)) = (self.request.segment, segment)
            && wanted != segment
        {
            return None;
        }
        let entry = self.sources.entry(source_key.clone()).or_default();
        *entry.spellings.entry(source.to_owned()).or_default() += weight;
        Some(Target { source_key, segment, bucket: None })
    }

    fn apply(&mut self, target: &Target, update: impl Fn(&mut Tally)) {
        update(&mut self.totals);
        if let Some(source) = self.sources.get_mut(&target.source_key) {
            update(&mut source.tally);
        }
        if let Some(segment) = target.segment {
            update(&mut self.segments[segment.index()]);
        }
        if let Some(tally) = target.bucket.and_then(|b| self.series.get_mut(b)) {
            update(tally);
        }
    }

    fn add_facts(&mut self, facts: &Facts) {
        let request = self.request;
        let aliases = &request.aliases;
        for job in &facts.jobs {
            let paid = job.paid_cents;
            let over = paid.is_some_and(|p| p > rules::REPAIR_THRESHOLD_CENTS);
            self.add_jobs(JobsRef {
                day: job.day,
                job_type: job.job_type.as_deref(),
                source: job.source.as_deref(),
                status: job.status.as_deref(),
                jobs: 1,
                paid_cents: paid.unwrap_or(0),
                over_threshold: u64::from(over),
            });
        }
        for group in &facts.job_groups {
            self.add_jobs(JobsRef {
                day: group.day,
                job_type: group.job_type.as_deref(),
                source: group.source.as_deref(),
                status: group.status.as_deref(),
                jobs: group.jobs,
                paid_cents: group.paid_cents,
                over_threshold: group.paid_over_repair_threshold,
            });
        }
        let leads =
            facts.leads.iter().map(|l| (l.day, l.lead_type.as_deref(), l.source.as_deref(), l.status.as_deref(), 1));
        let lead_groups = facts
            .lead_groups
            .iter()
            .map(|g| (g.day, g.lead_type.as_deref(), g.source.as_deref(), g.status.as_deref(), g.leads));
        for (day, lead_type, source, status, count) in leads.chain(lead_groups) {
            let source = aliases.resolve(source);
            let segment = rules::segment(lead_type);
            let Some(target) = self.admit(day, source, Some(segment), count) else { continue };
            let counted = rules::counts_as_lead(Some(source), status);
            let pro_referral = rules::is_pro_referral_lead(Some(source), status);
            self.apply(&target, |t| {
                t.leads += if counted { count } else { 0 };
                t.pro_referral_leads += if pro_referral { count } else { 0 };
            });
        }
        for payment in &facts.payments {
            let source = aliases.resolve(payment.job_source.as_deref());
            let segment = rules::segment(payment.job_type.as_deref());
            let Some(target) = self.admit(payment.day, source, Some(segment), 1) else { continue };
            let amount = i128::from(payment.amount_cents);
            self.apply(&target, |t| t.collected_cents = t.collected_cents.saturating_add(amount));
        }
        // Calls and spend have no segment: a segment slice shows them as null, so they add nothing.
        if request.segment.is_some() {
            return;
        }
        let calls = facts.calls.iter().map(|c| (c.day, c.source.as_deref(), 1));
        let call_groups = facts.call_groups.iter().map(|g| (g.day, g.source.as_deref(), g.calls));
        for (day, source, count) in calls.chain(call_groups) {
            let source = aliases.resolve(source);
            let Some(target) = self.admit(day, source, None, count) else { continue };
            self.apply(&target, |t| t.calls += count);
        }
        for entry in &facts.spend {
            self.add_spend(entry);
        }
    }

    /// Jobs sharing day, type, source and status: one job, or a rollup group of them.
    fn add_jobs(&mut self, jobs: JobsRef<'_>) {
        let request = self.request;
        if rules::is_excluded_status(jobs.status, &request.excluded_job_statuses) {
            return;
        }
        let source = request.aliases.resolve(jobs.source);
        let Some(target) = self.admit(jobs.day, source, Some(rules::segment(jobs.job_type)), jobs.jobs) else { return };
        let units = if rules::is_unit(jobs.job_type) { jobs.jobs } else { 0 };
        // A repair by type whatever was paid; a COD Service only when paid over the threshold.
        let repairs = if rules::is_repair(jobs.job_type, None) {
            jobs.jobs
        } else if rules::is_repair(jobs.job_type, Some(i64::MAX)) {
            jobs.over_threshold
        } else {
            0
        };
        let paid = i128::from(jobs.paid_cents);
        self.apply(&target, |t| {
            t.jobs += jobs.jobs;
            t.units += units;
            t.repairs += repairs;
            t.revenue_cents = t.revenue_cents.saturating_add(paid);
        });
    }

    fn add_spend(&mut self, entry: &SpendEntry) {
        let entry_span = Span { start: entry.date_from, end: entry.date_to };
        let Some(in_period) = spend_share(entry, entry_span, self.period) else { return };
        let source = self.request.aliases.resolve(Some(&entry.source));
        let Some(target) = self.admit_source(source, None, 1) else { return };
        self.totals.cost = self.totals.cost.saturating_add(in_period);
        if let Some(source) = self.sources.get_mut(&target.source_key) {
            source.has_spend = true;
            source.tally.cost = source.tally.cost.saturating_add(in_period);
        }
        for (bucket, tally) in self.buckets.iter().zip(self.series.iter_mut()) {
            if let Some(share) = spend_share(entry, entry_span, bucket.span) {
                tally.cost = tally.cost.saturating_add(share);
            }
        }
    }

    fn finish(self, has_payment_records: bool, buckets: Option<&[BucketSpan]>) -> Report {
        let request = self.request;
        let filtered_spend = match &self.source_filter {
            Some(key) => self.sources.get(key).is_some_and(|s| s.has_spend),
            None => true,
        };
        let known =
            Known { calls_and_cost: request.segment.is_none(), spend: filtered_spend, collected: has_payment_records };
        let mut by_source: Vec<SourceRow> = self
            .sources
            .iter()
            .map(|(key, source)| SourceRow {
                source: display_name(request, key, &source.spellings),
                metrics: metrics(&source.tally, Known { spend: source.has_spend, ..known }),
            })
            .collect();
        by_source.sort_by(|a, b| {
            b.metrics
                .leads
                .cmp(&a.metrics.leads)
                .then_with(|| normalize_key(&a.source).cmp(&normalize_key(&b.source)))
                .then_with(|| a.source.cmp(&b.source))
        });
        let by_segment = Segment::ALL
            .iter()
            .map(|&segment| SegmentRow {
                segment,
                metrics: metrics(&self.segments[segment.index()], Known { calls_and_cost: false, ..known }),
            })
            .collect();
        let series = buckets.map(|buckets| {
            buckets
                .iter()
                .zip(&self.series)
                .map(|(bucket, tally)| SeriesRow { period: bucket.name, metrics: metrics(tally, known) })
                .collect()
        });
        // Name the filter as its row does when there is one, so the header and the row agree.
        let source_filter = request.source.as_deref().map(|s| match by_source.first() {
            Some(row) => row.source.clone(),
            None => request.aliases.resolve(Some(s)).to_owned(),
        });
        Report {
            from: request.from,
            to: request.to,
            timezone: request.timezone.clone(),
            excluded_job_statuses: request.excluded_job_statuses.clone(),
            totals: metrics(&self.totals, known),
            by_source,
            by_segment,
            series,
            source_filter,
            segment_filter: request.segment,
        }
    }
}

/// The part of a spend entry falling in `slice`, spread evenly by day; `None` when it covers none of
/// it. Multiplying before dividing keeps an entry wholly inside the slice exact (100.00, not 99.99).
fn spend_share(entry: &SpendEntry, entry_span: Span, slice: Span) -> Option<Decimal> {
    let overlap = entry_span.overlap_days(slice);
    if overlap == 0 {
        return None;
    }
    let total = Decimal::from(entry_span.days());
    let share = Decimal::new(entry.amount_cents, 2).saturating_mul(Decimal::from(overlap));
    Some(share.checked_div(total).unwrap_or(share))
}

fn display_name(request: &ReportRequest, key: &str, spellings: &BTreeMap<String, u64>) -> String {
    if let Some(canonical) = request.aliases.canonical_spelling(key) {
        return canonical.to_owned();
    }
    // max_by_key keeps the last of equal counts; iterating in reverse makes that the smallest spelling.
    spellings.iter().rev().max_by_key(|(_, count)| **count).map_or_else(|| key.to_owned(), |(s, _)| s.clone())
}

fn metrics(tally: &Tally, known: Known) -> Metrics {
    let revenue_gross = from_cents(tally.revenue_cents);
    let revenue40 = revenue_gross.saturating_mul(Decimal::new(40, 2));
    let cost = known.calls_and_cost.then_some(tally.cost);
    let per_known_cost = |denominator| if known.spend { cost.and_then(|c| per(c, denominator)) } else { None };
    Metrics {
        leads: tally.leads,
        pro_referral_leads: tally.pro_referral_leads,
        units: tally.units,
        repairs: tally.repairs,
        jobs: tally.jobs,
        calls: known.calls_and_cost.then_some(tally.calls),
        revenue_gross,
        revenue40,
        collected: known.collected.then(|| from_cents(tally.collected_cents)),
        cost,
        profit: cost.map(|c| revenue40.saturating_sub(c)),
        cpl: per_known_cost(tally.leads),
        cpu: per_known_cost(tally.units),
        conv_l_u: ratio(tally.units, tally.leads),
        conv_l_r: ratio(tally.repairs, tally.leads),
        conv_u_r: ratio(tally.repairs, tally.units),
        rev_per_lead: per(revenue40, tally.leads),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn names(spans: &[BucketSpan]) -> Vec<String> {
        spans
            .iter()
            .map(|b| format!("{} {}..{}", b.name, b.span.start.format("%m-%d"), b.span.end.format("%m-%d")))
            .collect()
    }

    #[test]
    fn week_buckets_start_on_monday_and_are_named_by_it() {
        // 2026-11-01 is a Sunday: its week started on Monday 2026-10-26.
        let spans = bucket_spans(Bucket::Week, day(2026, 11, 1), day(2026, 11, 10));
        assert_eq!(names(&spans), ["2026-10-26 11-01..11-01", "2026-11-02 11-02..11-08", "2026-11-09 11-09..11-10"]);
    }

    #[test]
    fn month_buckets_cross_the_year() {
        let spans = bucket_spans(Bucket::Month, day(2026, 11, 15), day(2027, 1, 3));
        assert_eq!(names(&spans), ["2026-11-01 11-15..11-30", "2026-12-01 12-01..12-31", "2027-01-01 01-01..01-03"]);
    }

    #[test]
    fn day_buckets_cover_each_day() {
        let spans = bucket_spans(Bucket::Day, day(2026, 2, 27), day(2026, 3, 1));
        assert_eq!(names(&spans), ["2026-02-27 02-27..02-27", "2026-02-28 02-28..02-28", "2026-03-01 03-01..03-01"]);
    }

    #[test]
    fn buckets_of_an_inverted_or_extreme_period() {
        assert!(bucket_spans(Bucket::Day, day(2026, 2, 2), day(2026, 2, 1)).is_empty());
        assert_eq!(bucket_spans(Bucket::Month, NaiveDate::MAX, NaiveDate::MAX).len(), 1);
        assert_eq!(bucket_spans(Bucket::Week, NaiveDate::MIN, NaiveDate::MIN).len(), 1);
        assert_eq!(bucket_count(Bucket::Day, NaiveDate::MIN, NaiveDate::MAX), MAX_BUCKETS);
    }

    #[test]
    fn spend_share_multiplies_before_dividing() {
        let entry = SpendEntry {
            source: "Google".into(),
            date_from: day(2026, 11, 1),
            date_to: day(2026, 11, 3),
            amount_cents: 10_000,
        };
        let span = Span { start: entry.date_from, end: entry.date_to };
        let whole = Span { start: day(2026, 11, 1), end: day(2026, 11, 30) };
        assert_eq!(spend_share(&entry, span, whole), Some(Decimal::new(10_000, 2)));
        let outside = Span { start: day(2026, 12, 1), end: day(2026, 12, 31) };
        assert_eq!(spend_share(&entry, span, outside), None);
        let inverted = Span { start: entry.date_to, end: entry.date_from };
        assert_eq!(spend_share(&entry, inverted, whole), None);
    }

    #[test]
    fn display_name_prefers_most_used_then_smallest_spelling() {
        let request = ReportRequest::new(day(2026, 1, 1), day(2026, 1, 2), "UTC").expect("valid");
        let spellings: BTreeMap<String, u64> =
            [("google".to_owned(), 2), ("Google".to_owned(), 2), ("GOOGLE".to_owned(), 1)].into();
        assert_eq!(display_name(&request, "google", &spellings), "Google");
        let spellings: BTreeMap<String, u64> = [("google".to_owned(), 3), ("Google".to_owned(), 2)].into();
        assert_eq!(display_name(&request, "google", &spellings), "google");
    }
}
