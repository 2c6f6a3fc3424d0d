//! The dashboard: server-rendered pages that read without JavaScript (the chart is the only
//! script, a vendored uPlot), every number linking to the records behind it, CSV for every table,
//! and sync freshness on every page.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use metrics_engine::{Bucket, Decimal, Metrics, Report, ReportParams, ReportRequest};
use rust_decimal::RoundingStrategy;
use serde::Deserialize;
use store::RunStatus;

use crate::AppState;
use crate::api::{JobKind, ReportQuery, select_jobs, workiz_url};
use crate::period::{Compare, Preset};

const UPLOT_JS: &str = include_str!("../assets/uPlot.iife.min.js");
const UPLOT_CSS: &str = include_str!("../assets/uPlot.min.css");

pub(crate) async fn uplot_js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript"), (header::CACHE_CONTROL, "max-age=86400")], UPLOT_JS).into_response()
}

pub(crate) async fn uplot_css() -> Response {
    ([(header::CONTENT_TYPE, "text/css"), (header::CACHE_CONTROL, "max-age=86400")], UPLOT_CSS).into_response()
}

fn money(d: Decimal) -> String {
    format!("{:.2}", d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

fn opt_money(d: Option<Decimal>) -> String {
    d.map_or_else(|| "—".to_owned(), money)
}

fn percent(d: Option<Decimal>) -> String {
    d.map_or_else(
        || "—".to_owned(),
        |r| {
            format!(
                "{:.2}%",
                (r * Decimal::ONE_HUNDRED).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            )
        },
    )
}

fn query(pairs: &[(&str, Option<&str>)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            out.append_pair(key, value);
        }
    }
    out.finish()
}

/// One sync resource's freshness, for the header of every page.
pub(crate) struct Freshness {
    resource: String,
    text: String,
    failing: bool,
}

async fn freshness(state: &AppState) -> Vec<Freshness> {
    let Ok(runs) = state.store.runs(&state.settings.account, 100).await else {
        return vec![Freshness { resource: "database".into(), text: "not available".into(), failing: true }];
    };
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for run in runs {
        if seen.contains(&run.resource) || run.status == RunStatus::Running {
            continue;
        }
        seen.push(run.resource.clone());
        let when = run.finished_at.as_deref().unwrap_or(&run.started_at).get(..16).unwrap_or("").replace('T', " ");
        let failing = matches!(run.status, RunStatus::Failed | RunStatus::Interrupted);
        let text = if failing {
            format!("failing since {when} UTC ({})", run.error.unwrap_or_default())
        } else {
            format!("synced {when} UTC")
        };
        out.push(Freshness { resource: run.resource, text, failing });
    }
    if out.is_empty() {
        out.push(Freshness { resource: "sync".into(), text: "never run: `workiz-metrics sync`".into(), failing: true });
    }
    out
}

pub(crate) struct Headline {
    key: &'static str,
    label: &'static str,
    value: String,
    delta: Option<String>,
    trend: &'static str,
    link: Option<String>,
}

pub(crate) struct Row {
    name: String,
    leads: u64,
    units: u64,
    repairs: u64,
    jobs: u64,
    revenue: String,
    revenue40: String,
    cost: String,
    profit: String,
    cpl: String,
    conversion: String,
    units_link: String,
    repairs_link: String,
    jobs_link: String,
    leads_link: String,
}

pub(crate) struct SeriesRow {
    name: String,
    leads: u64,
    units: u64,
    repairs: u64,
    revenue: String,
    cost: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    freshness: Vec<Freshness>,
    presets: Vec<(&'static str, &'static str, bool)>,
    buckets: Vec<(&'static str, bool)>,
    compares: Vec<(&'static str, &'static str, bool)>,
    from: String,
    to: String,
    by: &'static str,
    compared: Option<String>,
    excluded: String,
    headline: Vec<Headline>,
    series: Vec<SeriesRow>,
    by_source: Vec<Row>,
    by_segment: Vec<Row>,
    chart_json: String,
    csv_base: String,
    json_link: String,
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct DashboardQuery {
    preset: Option<String>,
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
    compare: Option<String>,
    source: Option<String>,
    segment: Option<String>,
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Html(format!("<!doctype html><p>{}</p><p><a href=\"/\">back</a></p>", escape(&message))))
        .into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "page failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(format!("<!doctype html><p>The database is not available: {}</p>", escape(&e.to_string()))),
    )
        .into_response()
}

fn delta(current: Decimal, previous: Decimal, higher_is_better: bool) -> (Option<String>, &'static str) {
    if previous.is_zero() {
        return (Some("no earlier figure".to_owned()), "");
    }
    let change = (current - previous) / previous.abs() * Decimal::ONE_HUNDRED;
    let rounded = change.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    let better = if change.is_zero() {
        ""
    } else if (change > Decimal::ZERO) == higher_is_better {
        "up"
    } else {
        "down"
    };
    (Some(format!("{}{rounded}%", if change > Decimal::ZERO { "+" } else { "" })), better)
}

pub(crate) async fn dashboard(State(state): State<Arc<AppState>>, Query(q): Query<DashboardQuery>) -> Response {
    let today = chrono::Utc::now().with_timezone(&state.settings.timezone).date_naive();
    let custom_dates = q.from.is_some() && q.to.is_some();
    let preset = match q.preset.as_deref() {
        Some(p) => match Preset::parse(p) {
            Some(p) => p,
            None => return bad_request(format!("preset: '{p}' is not a period")),
        },
        None if custom_dates => Preset::Custom,
        None => Preset::Last30,
    };
    let (from, to) = match preset.period(today) {
        Some(period) => (period.0.to_string(), period.1.to_string()),
        None => (q.from.clone().unwrap_or_default(), q.to.clone().unwrap_or_default()),
    };
    let days = match (NaiveDate::parse_from_str(&from, "%Y-%m-%d"), NaiveDate::parse_from_str(&to, "%Y-%m-%d")) {
        (Ok(f), Ok(t)) => (t - f).num_days() + 1,
        _ => 1,
    };
    let by = q.by.clone().filter(|b| !b.is_empty()).unwrap_or_else(|| {
        if days <= 31 {
            "day"
        } else if days <= 180 {
            "week"
        } else {
            "month"
        }
        .to_owned()
    });
    let compare = match q.compare.as_deref() {
        None => Compare::Previous,
        Some(c) => match Compare::parse(c) {
            Some(c) => c,
            None => return bad_request(format!("compare: '{c}' must be previous, last_year or none")),
        },
    };
    let params = ReportParams {
        from: Some(from.clone()),
        to: Some(to.clone()),
        by: Some(by.clone()),
        source: q.source.clone(),
        segment: q.segment.clone(),
    };
    let request = match ReportRequest::from_params(&params, &state.settings.report) {
        Ok(r) => r,
        Err(e) => return bad_request(e.to_string()),
    };
    let account = &state.settings.account;
    let report = match metrics_engine::report(&state.store, account, &request).await {
        Ok(r) => r,
        Err(e) => return unavailable(e),
    };
    let comparison_period = compare.period(request.from, request.to);
    let previous = match comparison_period {
        Some((pf, pt)) => {
            let mut earlier = request.clone();
            earlier.from = pf;
            earlier.to = pt;
            earlier.bucket = None;
            match metrics_engine::report(&state.store, account, &earlier).await {
                Ok(r) => Some(r),
                Err(e) => return unavailable(e),
            }
        }
        None => None,
    };
    let base = [("from", Some(from.as_str())), ("to", Some(to.as_str()))];
    let filters = [("source", q.source.as_deref()), ("segment", q.segment.as_deref())];
    let jobs_link = |source: Option<&str>, segment: Option<&str>, kind: &str| {
        let source = source.or(q.source.as_deref());
        let segment = segment.or(q.segment.as_deref());
        format!("/jobs?{}", query(&[base[0], base[1], ("source", source), ("segment", segment), ("kind", Some(kind))]))
    };
    let headline = headlines(
        &report,
        previous.as_ref(),
        [jobs_link(None, None, "units"), jobs_link(None, None, "repairs"), jobs_link(None, None, "all")],
    );
    let row = |name: String, m: &Metrics, source: Option<&str>, segment: Option<&str>| Row {
        leads: m.leads,
        units: m.units,
        repairs: m.repairs,
        jobs: m.jobs,
        revenue: money(m.revenue_gross),
        revenue40: money(m.revenue40),
        cost: opt_money(m.cost),
        profit: opt_money(m.profit),
        cpl: opt_money(m.cpl),
        conversion: percent(m.conv_l_r),
        units_link: jobs_link(source, segment, "units"),
        repairs_link: jobs_link(source, segment, "repairs"),
        jobs_link: jobs_link(source, segment, "all"),
        leads_link: jobs_link(source, segment, "leads").replace("/jobs?", "/leads?").replace("&kind=leads", ""),
        name,
    };
    let by_source = report.by_source.iter().map(|r| row(r.source.clone(), &r.metrics, Some(&r.source), None)).collect();
    let by_segment = report
        .by_segment
        .iter()
        .map(|r| row(r.segment.as_str().to_owned(), &r.metrics, None, Some(r.segment.as_str())))
        .collect();
    let series_rows = report.series.as_deref().unwrap_or_default();
    let chart: [Vec<serde_json::Value>; 4] = [
        series_rows
            .iter()
            .map(|r| serde_json::json!(r.period.and_hms_opt(12, 0, 0).map_or(0, |t| t.and_utc().timestamp())))
            .collect(),
        series_rows.iter().map(|r| serde_json::json!(r.metrics.leads)).collect(),
        series_rows.iter().map(|r| serde_json::json!(r.metrics.units)).collect(),
        series_rows.iter().map(|r| serde_json::json!(r.metrics.repairs)).collect(),
    ];
    let series = series_rows
        .iter()
        .map(|r| SeriesRow {
            name: r.period.to_string(),
            leads: r.metrics.leads,
            units: r.metrics.units,
            repairs: r.metrics.repairs,
            revenue: money(r.metrics.revenue_gross),
            cost: opt_money(r.metrics.cost),
        })
        .collect();
    let report_query = query(&[base[0], base[1], ("by", Some(by.as_str())), filters[0], filters[1]]);
    let page = DashboardPage {
        freshness: freshness(&state).await,
        presets: Preset::ALL.iter().map(|p| (p.key(), p.label(), *p == preset)).collect(),
        buckets: ["day", "week", "month"].into_iter().map(|b| (b, b == by)).collect(),
        compares: [
            (Compare::Previous, "previous period"),
            (Compare::LastYear, "same period last year"),
            (Compare::None, "nothing"),
        ]
        .into_iter()
        .map(|(c, label)| (c.key(), label, c == compare))
        .collect(),
        compared: comparison_period.map(|(f, t)| format!("{f} to {t}")),
        excluded: request.excluded_job_statuses.join(", "),
        by: match request.bucket {
            Some(Bucket::Week) => "week",
            Some(Bucket::Month) => "month",
            _ => "day",
        },
        from,
        to,
        headline,
        series,
        by_source,
        by_segment,
        chart_json: serde_json::Value::Array(chart.into_iter().map(serde_json::Value::Array).collect()).to_string(),
        csv_base: format!("/export/report.csv?{report_query}"),
        json_link: format!("/api/v1/report?{report_query}"),
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => unavailable(e),
    }
}

/// The headline numbers; `links` lead to the units, the repairs and all jobs of the period.
fn headlines(report: &Report, previous: Option<&Report>, links: [String; 3]) -> Vec<Headline> {
    let [units_link, repairs_link, jobs_link] = links;
    let t = &report.totals;
    let p = previous.map(|r| &r.totals);
    let count = |n: u64| Decimal::from(n);
    let zero = Decimal::ZERO;
    let mut out = Vec::new();
    let mut push =
        |key, label, value: String, cur: Decimal, prev: Option<Decimal>, better_up: bool, link: Option<String>| {
            let (delta, trend) = match prev {
                Some(prev) => delta(cur, prev, better_up),
                None => (None, ""),
            };
            out.push(Headline { key, label, value, delta, trend, link });
        };
    let leads_link = jobs_link.replace("/jobs?", "/leads?").replace("&kind=all", "");
    push("leads", "Leads", t.leads.to_string(), count(t.leads), p.map(|p| count(p.leads)), true, Some(leads_link));
    push("units", "Units", t.units.to_string(), count(t.units), p.map(|p| count(p.units)), true, Some(units_link));
    push(
        "repairs",
        "Repairs",
        t.repairs.to_string(),
        count(t.repairs),
        p.map(|p| count(p.repairs)),
        true,
        Some(repairs_link),
    );
    push(
        "revenue_gross",
        "Revenue",
        money(t.revenue_gross),
        t.revenue_gross,
        p.map(|p| p.revenue_gross),
        true,
        Some(jobs_link),
    );
    push("revenue40", "Revenue 40%", money(t.revenue40), t.revenue40, p.map(|p| p.revenue40), true, None);
    push("cost", "Cost", opt_money(t.cost), t.cost.unwrap_or(zero), p.and_then(|p| p.cost), false, None);
    push("profit", "Profit", opt_money(t.profit), t.profit.unwrap_or(zero), p.and_then(|p| p.profit), true, None);
    push("cpl", "Cost per lead", opt_money(t.cpl), t.cpl.unwrap_or(zero), p.and_then(|p| p.cpl), false, None);
    push(
        "conv_l_r",
        "Leads → repairs",
        percent(t.conv_l_r),
        t.conv_l_r.unwrap_or(zero),
        p.and_then(|p| p.conv_l_r),
        true,
        None,
    );
    out
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct JobsPageQuery {
    #[serde(flatten)]
    report: ReportQuery,
    kind: Option<String>,
    page: Option<String>,
}

pub(crate) struct JobLine {
    day: String,
    serial: String,
    job_type: String,
    source: String,
    status: String,
    paid: String,
    uuid: String,
    url: String,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    freshness: Vec<Freshness>,
    title: String,
    back: String,
    csv: String,
    total: usize,
    page: usize,
    pages: usize,
    jobs: Vec<JobLine>,
    previous: Option<String>,
    next: Option<String>,
}

const PER_PAGE: usize = 50;

/// `GET /jobs`: the jobs behind a number, 50 a page.
pub(crate) async fn jobs_page(State(state): State<Arc<AppState>>, Query(q): Query<JobsPageQuery>) -> Response {
    let request = match ReportRequest::from_params(&q.report.params(), &state.settings.report) {
        Ok(r) => r,
        Err(e) => return bad_request(e.to_string()),
    };
    let kind = match JobKind::parse(q.kind.as_deref()) {
        Ok(kind) => kind,
        Err(message) => return bad_request(format!("kind: {message}")),
    };
    let page = q.page.as_deref().map_or(Ok(1), str::parse::<usize>).ok().filter(|p| *p >= 1);
    let Some(page) = page else { return bad_request("page: must be a whole number from 1".to_owned()) };
    let jobs = match select_jobs(&state, &request, kind).await {
        Ok(jobs) => jobs,
        Err(e) => return unavailable(e),
    };
    let total = jobs.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let (from, to) = (request.from.to_string(), request.to.to_string());
    let filter = [
        ("from", Some(from.as_str())),
        ("to", Some(to.as_str())),
        ("source", q.report.source.as_deref()),
        ("segment", q.report.segment.as_deref()),
        ("kind", Some(kind.as_str())),
    ];
    let page_link = |n: usize| {
        let n = n.to_string();
        let mut pairs = filter.to_vec();
        pairs.push(("page", Some(n.as_str())));
        format!("/jobs?{}", query(&pairs))
    };
    let aliases = &request.aliases;
    let what = match kind {
        JobKind::Units => "Units",
        JobKind::Repairs => "Repairs",
        JobKind::All => "Jobs",
    };
    let scope: Vec<&str> = [q.report.source.as_deref(), q.report.segment.as_deref()].into_iter().flatten().collect();
    let title = format!(
        "{what}{} from {from} to {to}",
        if scope.is_empty() { String::new() } else { format!(" of {}", scope.join(" ")) }
    );
    let lines = jobs
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|j| JobLine {
            day: j.day.clone().unwrap_or_default(),
            serial: j.serial_id.clone().unwrap_or_default(),
            job_type: j.job_type.clone().unwrap_or_default(),
            source: aliases.resolve(j.source.as_deref()).to_owned(),
            status: j.status.clone().unwrap_or_default(),
            paid: j.paid_cents.map_or_else(|| "—".to_owned(), |c| workiz::Cents(c).to_string()),
            url: workiz_url(&j.uuid),
            uuid: j.uuid.clone(),
        })
        .collect();
    let page_view = JobsPage {
        freshness: freshness(&state).await,
        back: format!("/?{}", query(&[filter[0], filter[1], ("preset", Some("custom")), filter[2], filter[3]])),
        csv: format!("/export/jobs.csv?{}", query(&filter)),
        title,
        total,
        page,
        pages,
        jobs: lines,
        previous: (page > 1).then(|| page_link(page - 1)),
        next: (page < pages).then(|| page_link(page + 1)),
    };
    match page_view.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => unavailable(e),
    }
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct CsvQuery {
    #[serde(flatten)]
    report: ReportQuery,
    slice: Option<String>,
    kind: Option<String>,
}

fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response()
}

/// `GET /export/report.csv`: the report's rows, all of them or one table's (`slice`).
pub(crate) async fn report_csv(State(state): State<Arc<AppState>>, Query(q): Query<CsvQuery>) -> Response {
    let request = match ReportRequest::from_params(&q.report.params(), &state.settings.report) {
        Ok(r) => r,
        Err(e) => return crate::api::bad_param(e.param, e.message),
    };
    let report = match metrics_engine::report(&state.store, &state.settings.account, &request).await {
        Ok(r) => r,
        Err(e) => return unavailable(e),
    };
    let csv = metrics_engine::render_csv(&report);
    let body = match q.slice.as_deref() {
        None | Some("") | Some("all") => csv,
        Some(slice @ ("total" | "source" | "segment" | "series")) => {
            let mut lines = csv.lines();
            let header = lines.next().unwrap_or_default();
            let rows: Vec<&str> = lines.filter(|l| l.split(',').next() == Some(slice)).collect();
            format!("{header}\n{}\n", rows.join("\n"))
        }
        Some(other) => {
            return crate::api::bad_param("slice", format!("'{other}' must be all, total, source, segment or series"));
        }
    };
    csv_response("report.csv", body)
}

/// `GET /export/jobs.csv`: the drill-down's jobs.
pub(crate) async fn jobs_csv(State(state): State<Arc<AppState>>, Query(q): Query<CsvQuery>) -> Response {
    let request = match ReportRequest::from_params(&q.report.params(), &state.settings.report) {
        Ok(r) => r,
        Err(e) => return crate::api::bad_param(e.param, e.message),
    };
    let kind = match JobKind::parse(q.kind.as_deref()) {
        Ok(kind) => kind,
        Err(message) => return crate::api::bad_param("kind", message),
    };
    let jobs = match select_jobs(&state, &request, kind).await {
        Ok(jobs) => jobs,
        Err(e) => return unavailable(e),
    };
    let mut out = String::from("uuid,serial_id,day,job_type,source,status,paid,workiz_url\n");
    for j in &jobs {
        let field = |v: &str| {
            if v.contains([',', '"', '\n']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_owned() }
        };
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            field(&j.uuid),
            field(j.serial_id.as_deref().unwrap_or("")),
            field(j.day.as_deref().unwrap_or("")),
            field(j.job_type.as_deref().unwrap_or("")),
            field(request.aliases.resolve(j.source.as_deref())),
            field(j.status.as_deref().unwrap_or("")),
            j.paid_cents.map(|c| workiz::Cents(c).to_string()).unwrap_or_default(),
            workiz_url(&j.uuid)
        ));
    }
    csv_response("jobs.csv", out)
}

pub(crate) struct LeadLine {
    day: String,
    uuid: String,
    lead_type: String,
    source: String,
    status: String,
}

#[derive(Template)]
#[template(path = "leads.html")]
struct LeadsPage {
    freshness: Vec<Freshness>,
    title: String,
    back: String,
    total: usize,
    page: usize,
    pages: usize,
    leads: Vec<LeadLine>,
    previous: Option<String>,
    next: Option<String>,
}

/// `GET /leads`: the leads behind a number (the counted ones by default), 50 a page.
pub(crate) async fn leads_page(State(state): State<Arc<AppState>>, Query(q): Query<JobsPageQuery>) -> Response {
    let request = match ReportRequest::from_params(&q.report.params(), &state.settings.report) {
        Ok(r) => r,
        Err(e) => return bad_request(e.to_string()),
    };
    let page = q.page.as_deref().map_or(Ok(1), str::parse::<usize>).ok().filter(|p| *p >= 1);
    let Some(page) = page else { return bad_request("page: must be a whole number from 1".to_owned()) };
    let (from, to) = (request.from.to_string(), request.to.to_string());
    let stored = match state.store.leads_between(&state.settings.account, &from, &to).await {
        Ok(stored) => stored,
        Err(e) => return unavailable(e),
    };
    let aliases = &request.aliases;
    let wanted = request.source.as_deref().map(|s| metrics_engine::rules::normalize_key(aliases.resolve(Some(s))));
    let leads: Vec<_> = stored
        .into_iter()
        .map(|l| l.row)
        .filter(|l| {
            let source = aliases.resolve(l.source.as_deref());
            wanted.as_ref().is_none_or(|w| metrics_engine::rules::normalize_key(source) == *w)
                && request.segment.is_none_or(|s| metrics_engine::rules::segment(l.lead_type.as_deref()) == s)
                && metrics_engine::rules::counts_as_lead(Some(source), l.status.as_deref())
        })
        .collect();
    let total = leads.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let filter = [
        ("from", Some(from.as_str())),
        ("to", Some(to.as_str())),
        ("source", q.report.source.as_deref()),
        ("segment", q.report.segment.as_deref()),
    ];
    let page_link = |n: usize| {
        let n = n.to_string();
        let mut pairs = filter.to_vec();
        pairs.push(("page", Some(n.as_str())));
        format!("/leads?{}", query(&pairs))
    };
    let scope: Vec<&str> = [q.report.source.as_deref(), q.report.segment.as_deref()].into_iter().flatten().collect();
    let view = LeadsPage {
        freshness: freshness(&state).await,
        title: format!(
            "Leads{} from {from} to {to}",
            if scope.is_empty() { String::new() } else { format!(" of {}", scope.join(" ")) }
        ),
        back: format!("/?{}", query(&[filter[0], filter[1], ("preset", Some("custom")), filter[2], filter[3]])),
        total,
        page,
        pages,
        leads: leads
            .iter()
            .skip((page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(|l| LeadLine {
                day: l.day.clone().unwrap_or_default(),
                uuid: l.uuid.clone(),
                lead_type: l.lead_type.clone().unwrap_or_default(),
                source: aliases.resolve(l.source.as_deref()).to_owned(),
                status: l.status.clone().unwrap_or_default(),
            })
            .collect(),
        previous: (page > 1).then(|| page_link(page - 1)),
        next: (page < pages).then(|| page_link(page + 1)),
    };
    match view.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => unavailable(e),
    }
}
