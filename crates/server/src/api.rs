//! The JSON API under `/api/v1/`: the METRICS.md report, the records behind a number, the sync
//! run log. Invalid parameters are 400 with a JSON error naming the parameter.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use metrics_engine::{ParamError, ReportParams, ReportRequest, rules};
use serde::Deserialize;
use serde_json::{Value, json};
use workiz::Cents;

use crate::AppState;

pub(crate) fn bad_param(param: &str, message: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": message.into(), "param": param}))).into_response()
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "API request failed");
    (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"error": format!("the database is not available: {e}")})))
        .into_response()
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct ReportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
    pub source: Option<String>,
    pub segment: Option<String>,
}

impl ReportQuery {
    pub fn params(&self) -> ReportParams {
        ReportParams {
            from: self.from.clone(),
            to: self.to.clone(),
            by: self.by.clone(),
            source: self.source.clone(),
            segment: self.segment.clone(),
        }
    }
}

/// `GET /api/v1/report`: the METRICS.md object.
pub(crate) async fn report(State(state): State<Arc<AppState>>, Query(query): Query<ReportQuery>) -> Response {
    let request = match ReportRequest::from_params(&query.params(), &state.settings.report) {
        Ok(request) => request,
        Err(e) => return bad_param(e.param, e.message),
    };
    // Serialised straight from the report (not through a `serde_json::Value`, whose objects sort
    // their keys), so that the keys come in the order METRICS.md lists them, as `report` prints.
    match metrics_engine::report(&state.store, &state.settings.account, &request).await {
        Ok(report) => Json(report).into_response(),
        Err(e) => unavailable(e),
    }
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct JobsQuery {
    #[serde(flatten)]
    report: ReportQuery,
    /// `all` (default), `units` or `repairs`.
    kind: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

fn positive(param: &'static str, value: Option<&str>, default: usize, max: usize) -> Result<usize, ParamError> {
    match value {
        None => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ParamError { param, message: format!("'{text}' must be a whole number from 1 to {max}") }),
        },
    }
}

/// `GET /api/v1/jobs`: the jobs behind a number (period, source, segment, units or repairs),
/// newest first, a page at a time, each with a link to the job in Workiz.
pub(crate) async fn jobs(State(state): State<Arc<AppState>>, Query(query): Query<JobsQuery>) -> Response {
    let settings = &state.settings;
    let request = match ReportRequest::from_params(&query.report.params(), &settings.report) {
        Ok(request) => request,
        Err(e) => return bad_param(e.param, e.message),
    };
    let kind = match JobKind::parse(query.kind.as_deref()) {
        Ok(kind) => kind,
        Err(message) => return bad_param("kind", message),
    };
    let (page, per_page) = match (
        positive("page", query.page.as_deref(), 1, 1_000_000),
        positive("per_page", query.per_page.as_deref(), 50, 500),
    ) {
        (Ok(page), Ok(per_page)) => (page, per_page),
        (Err(e), _) | (_, Err(e)) => return bad_param(e.param, e.message),
    };
    let matching = match select_jobs(&state, &request, kind).await {
        Ok(jobs) => jobs,
        Err(e) => return unavailable(e),
    };
    let aliases = &request.aliases;
    let total = matching.len();
    let items: Vec<Value> = matching
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|j| {
            json!({
                "uuid": j.uuid,
                "serial_id": j.serial_id,
                "day": j.day,
                "job_type": j.job_type,
                "source": aliases.resolve(j.source.as_deref()),
                "status": j.status,
                "segment": rules::segment(j.job_type.as_deref()),
                "paid": j.paid_cents.map(|c| Cents(c).to_string()),
                "workiz_url": workiz_url(&j.uuid),
            })
        })
        .collect();
    Json(json!({"total": total, "page": page, "per_page": per_page, "items": items})).into_response()
}

/// Which jobs behind a report's numbers a list shows (the `kind` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobKind {
    All,
    Units,
    Repairs,
}

impl JobKind {
    /// `all` when absent; anything else but `units` or `repairs` is refused with the reason.
    pub fn parse(text: Option<&str>) -> Result<Self, String> {
        match text.unwrap_or("all") {
            "all" => Ok(Self::All),
            "units" => Ok(Self::Units),
            "repairs" => Ok(Self::Repairs),
            other => Err(format!("'{other}' must be all, units or repairs")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Units => "units",
            Self::Repairs => "repairs",
        }
    }
}

/// The live jobs of a request's period behind one of its numbers: `kind` is `all`, `units` or
/// `repairs`; the source, segment and excluded statuses of the request apply, by the same rules as
/// the report.
pub(crate) async fn select_jobs(
    state: &AppState,
    request: &ReportRequest,
    kind: JobKind,
) -> Result<Vec<store::JobRow>, store::StoreError> {
    let stored =
        state.store.jobs_between(&state.settings.account, &request.from.to_string(), &request.to.to_string()).await?;
    let aliases = &request.aliases;
    let wanted_source = request.source.as_deref().map(|s| rules::normalize_key(aliases.resolve(Some(s))));
    Ok(stored
        .into_iter()
        .map(|j| j.row)
        .filter(|j| !rules::is_excluded_status(j.status.as_deref(), &request.excluded_job_statuses))
        .filter(|j| {
            wanted_source.as_ref().is_none_or(|w| rules::normalize_key(aliases.resolve(j.source.as_deref())) == *w)
        })
        .filter(|j| request.segment.is_none_or(|s| rules::segment(j.job_type.as_deref()) == s))
        .filter(|j| match kind {
            JobKind::Units => rules::is_unit(j.job_type.as_deref()),
            JobKind::Repairs => rules::is_repair(j.job_type.as_deref(), j.paid_cents),
            JobKind::All => true,
        })
        .collect())
}

/// A job's page in Workiz.
pub(crate) fn workiz_url(uuid: &str) -> String {
    format!("https://app.workiz.com/root/job/{uuid}/1")
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct RunsQuery {
    limit: Option<String>,
}

/// `GET /api/v1/sync/runs`: the run log, newest first.
pub(crate) async fn sync_runs(State(state): State<Arc<AppState>>, Query(query): Query<RunsQuery>) -> Response {
    let limit = match positive("limit", query.limit.as_deref(), 50, 1000) {
        Ok(limit) => limit as i64,
        Err(e) => return bad_param(e.param, e.message),
    };
    match state.store.runs(&state.settings.account, limit).await {
        Ok(runs) => Json(Value::Array(
            runs.into_iter()
                .map(|r| {
                    let t = r.totals;
                    json!({"id": r.id, "resource": r.resource, "mode": r.mode, "status": r.status.as_str(),
                           "started_at": r.started_at, "finished_at": r.finished_at, "pages": t.pages,
                           "requests": t.requests, "throttled": t.throttled, "seen": t.seen, "inserted": t.inserted,
                           "updated": t.updated, "unchanged": t.unchanged, "rejected": t.rejected,
                           "deleted": t.deleted, "error": r.error})
                })
                .collect(),
        ))
        .into_response(),
        Err(e) => unavailable(e),
    }
}

/// Page `page` of `items`, `per_page` long, with the total.
fn paginate<T>(items: Vec<T>, page: usize, per_page: usize) -> (usize, Vec<T>) {
    let total = items.len();
    (total, items.into_iter().skip((page - 1) * per_page).take(per_page).collect())
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct ListQuery {
    #[serde(flatten)]
    report: ReportQuery,
    kind: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

impl ListQuery {
    /// The request and the page, or the 400 naming the parameter at fault.
    fn parse(&self, state: &AppState) -> Result<(ReportRequest, usize, usize), Box<Response>> {
        let request = ReportRequest::from_params(&self.report.params(), &state.settings.report)
            .map_err(|e| Box::new(bad_param(e.param, e.message)))?;
        let page = positive("page", self.page.as_deref(), 1, 1_000_000)
            .map_err(|e| Box::new(bad_param(e.param, e.message)))?;
        let per_page = positive("per_page", self.per_page.as_deref(), 50, 500)
            .map_err(|e| Box::new(bad_param(e.param, e.message)))?;
        Ok((request, page, per_page))
    }
}

fn same_source(request: &ReportRequest, source: Option<&str>) -> bool {
    let aliases = &request.aliases;
    request.source.as_deref().is_none_or(|wanted| {
        rules::normalize_key(aliases.resolve(Some(wanted))) == rules::normalize_key(aliases.resolve(source))
    })
}

/// `GET /api/v1/leads`: the leads of a period (`kind`: all, counted, pro_referral).
pub(crate) async fn leads(State(state): State<Arc<AppState>>, Query(query): Query<ListQuery>) -> Response {
    let (request, page, per_page) = match query.parse(&state) {
        Ok(parsed) => parsed,
        Err(response) => return *response,
    };
    let kind = query.kind.as_deref().unwrap_or("all");
    if !matches!(kind, "all" | "counted" | "pro_referral") {
        return bad_param("kind", format!("'{kind}' must be all, counted or pro_referral"));
    }
    let stored = match state
        .store
        .leads_between(&state.settings.account, &request.from.to_string(), &request.to.to_string())
        .await
    {
        Ok(stored) => stored,
        Err(e) => return unavailable(e),
    };
    let aliases = &request.aliases;
    let matching: Vec<_> = stored
        .into_iter()
        .map(|l| l.row)
        .filter(|l| same_source(&request, l.source.as_deref()))
        .filter(|l| request.segment.is_none_or(|s| rules::segment(l.lead_type.as_deref()) == s))
        .filter(|l| {
            let source = Some(aliases.resolve(l.source.as_deref()));
            match kind {
                "counted" => rules::counts_as_lead(source, l.status.as_deref()),
                "pro_referral" => rules::is_pro_referral_lead(source, l.status.as_deref()),
                _ => true,
            }
        })
        .collect();
    let (total, items) = paginate(matching, page, per_page);
    let items: Vec<Value> = items
        .into_iter()
        .map(|l| {
            let source = aliases.resolve(l.source.as_deref()).to_owned();
            json!({"uuid": l.uuid, "day": l.day, "lead_type": l.lead_type, "segment": rules::segment(l.lead_type.as_deref()),
                   "counts_as_lead": rules::counts_as_lead(Some(&source), l.status.as_deref()),
                   "source": source, "status": l.status})
        })
        .collect();
    Json(json!({"total": total, "page": page, "per_page": per_page, "items": items})).into_response()
}

/// `GET /api/v1/calls`: the calls of a period.
pub(crate) async fn calls(State(state): State<Arc<AppState>>, Query(query): Query<ListQuery>) -> Response {
    let (request, page, per_page) = match query.parse(&state) {
        Ok(parsed) => parsed,
        Err(response) => return *response,
    };
    let stored = match state
        .store
        .calls_between(&state.settings.account, &request.from.to_string(), &request.to.to_string())
        .await
    {
        Ok(stored) => stored,
        Err(e) => return unavailable(e),
    };
    let matching: Vec<_> = stored.into_iter().filter(|c| same_source(&request, c.source.as_deref())).collect();
    let (total, items) = paginate(matching, page, per_page);
    let items: Vec<Value> = items
        .into_iter()
        .map(|c| {
            json!({"call_id": c.call_id, "started_at": c.started_at, "day": c.day,
                   "source": request.aliases.resolve(c.source.as_deref()), "answered": c.answered,
                   "job_uuid": c.job_uuid, "duration_secs": c.duration_secs})
        })
        .collect();
    Json(json!({"total": total, "page": page, "per_page": per_page, "items": items})).into_response()
}

/// `GET /api/v1/payments`: the payment records of a period, with their job's source and segment.
pub(crate) async fn payments(State(state): State<Arc<AppState>>, Query(query): Query<ListQuery>) -> Response {
    let (request, page, per_page) = match query.parse(&state) {
        Ok(parsed) => parsed,
        Err(response) => return *response,
    };
    let stored = match state
        .store
        .payments_between(&state.settings.account, &request.from.to_string(), &request.to.to_string())
        .await
    {
        Ok(stored) => stored,
        Err(e) => return unavailable(e),
    };
    let matching: Vec<_> = stored
        .into_iter()
        .filter(|p| same_source(&request, p.job_source.as_deref()))
        .filter(|p| request.segment.is_none_or(|s| rules::segment(p.job_type.as_deref()) == s))
        .collect();
    let (total, items) = paginate(matching, page, per_page);
    let items: Vec<Value> = items
        .into_iter()
        .map(|p| {
            json!({"payment_id": p.payment_id, "job_uuid": p.job_uuid, "day": p.day, "amount": Cents(p.amount_cents).to_string(),
                   "method": p.method, "source": request.aliases.resolve(p.job_source.as_deref()),
                   "segment": rules::segment(p.job_type.as_deref())})
        })
        .collect();
    Json(json!({"total": total, "page": page, "per_page": per_page, "items": items})).into_response()
}

/// `GET /api/v1/spend`: the spend entries overlapping a period.
pub(crate) async fn spend(State(state): State<Arc<AppState>>, Query(query): Query<ReportQuery>) -> Response {
    let request = match ReportRequest::from_params(&query.params(), &state.settings.report) {
        Ok(request) => request,
        Err(e) => return bad_param(e.param, e.message),
    };
    match state.store.spend_between(&state.settings.account, &request.from.to_string(), &request.to.to_string()).await {
        Ok(entries) => Json(Value::Array(
            entries
                .into_iter()
                .map(|e| {
                    json!({"source": e.source, "date_from": e.date_from, "date_to": e.date_to,
                           "campaign": e.campaign, "amount": Cents(e.amount_cents).to_string()})
                })
                .collect(),
        ))
        .into_response(),
        Err(e) => unavailable(e),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct NewSpend {
    source: Option<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    amount: Option<Value>,
    campaign: Option<String>,
}

/// `POST /api/v1/spend`: adds (or, for the same source, dates and campaign, replaces) an entry.
pub(crate) async fn add_spend(State(state): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let entry: NewSpend = match serde_json::from_slice(&body) {
        Ok(entry) => entry,
        Err(e) => {
            return bad_param(
                "body",
                format!("expected {{\"source\",\"date_from\",\"date_to\",\"amount\"[,\"campaign\"]}}: {e}"),
            );
        }
    };
    let Some(source) = entry.source.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) else {
        return bad_param("source", "is required");
    };
    let date = |value: Option<String>| {
        value.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
    };
    let Some(from) = date(entry.date_from) else { return bad_param("date_from", "is required as YYYY-MM-DD") };
    let Some(to) = date(entry.date_to) else { return bad_param("date_to", "is required as YYYY-MM-DD") };
    if from > to {
        return bad_param("date_from", format!("{from} is after date_to {to}"));
    }
    let amount = match &entry.amount {
        Some(Value::Number(n)) => Cents::parse(&n.to_string()),
        Some(Value::String(s)) => Cents::parse(s),
        _ => None,
    };
    let Some(amount) = amount else { return bad_param("amount", "is required, in dollars (\"1200.50\" or 1200.5)") };
    let campaign = entry.campaign.unwrap_or_default().trim().to_owned();
    let row = store::SpendRow {
        raw: format!("{source},{from},{to},{amount},{campaign}"),
        source,
        date_from: from.to_string(),
        date_to: to.to_string(),
        campaign,
        amount_cents: amount.0,
    };
    match state.store.upsert_spend(&state.settings.account, vec![row]).await {
        Ok(counts) => (
            if counts.inserted > 0 { StatusCode::CREATED } else { StatusCode::OK },
            Json(json!({"inserted": counts.inserted, "updated": counts.updated, "unchanged": counts.unchanged})),
        )
            .into_response(),
        Err(e) => unavailable(e),
    }
}

/// `POST /api/v1/sync/{resource}`: starts a sync of that resource now; the run log shows how it
/// went.
pub(crate) async fn sync_now(
    State(state): State<Arc<AppState>>,
    axum::extract::Path(resource): axum::extract::Path<String>,
) -> Response {
    let Some(resource) = ingest::Resource::parse(&resource) else {
        let known: Vec<&str> = ingest::Resource::ALL.iter().map(|r| r.name()).collect();
        return bad_param("resource", format!("'{resource}' is not one of {}", known.join(", ")));
    };
    let Some(syncer) = state.settings.sync.clone() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"error": "this server has no Workiz client (WORKIZ_API_TOKEN)"})),
        )
            .into_response();
    };
    tokio::spawn(async move {
        let options = ingest::SyncOptions { resources: vec![resource], since: None, full: false };
        match syncer.run(&options, &()).await {
            Ok(_) => tracing::info!(resource = resource.name(), "sync asked through the API finished"),
            Err(e) => tracing::warn!(resource = resource.name(), error = %e, "sync asked through the API did not run"),
        }
    });
    (StatusCode::ACCEPTED, Json(json!({"started": resource.name(), "runs": "/api/v1/sync/runs"}))).into_response()
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn openapi() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], include_str!("../openapi.json")).into_response()
}
