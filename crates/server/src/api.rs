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
    match metrics_engine::report(&state.store, &state.settings.account, &request).await {
        Ok(report) => match serde_json::to_value(&report) {
            Ok(value) => Json(value).into_response(),
            Err(e) => unavailable(e),
        },
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
    let kind = query.kind.as_deref().unwrap_or("all");
    if !matches!(kind, "all" | "units" | "repairs") {
        return bad_param("kind", format!("'{kind}' must be all, units or repairs"));
    }
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

/// The live jobs of a request's period behind one of its numbers: `kind` is `all`, `units` or
/// `repairs`; the source, segment and excluded statuses of the request apply, by the same rules as
/// the report.
pub(crate) async fn select_jobs(
    state: &AppState,
    request: &ReportRequest,
    kind: &str,
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
            "units" => rules::is_unit(j.job_type.as_deref()),
            "repairs" => rules::is_repair(j.job_type.as_deref(), j.paid_cents),
            _ => true,
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
