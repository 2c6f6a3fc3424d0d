//! The simulated Workiz HTTP API.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};

use crate::account::Account;
use crate::config::{EnvelopeStyle, Fault, OffsetMeaning, SimConfig};
use crate::wire;

/// Counters of what the simulator answered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SimStats {
    pub requests: u64,
    pub forbidden: u64,
    pub throttled: u64,
    pub faults: u64,
    pub changes: u64,
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    forbidden: AtomicU64,
    throttled: AtomicU64,
    faults: AtomicU64,
    changes: AtomicU64,
}

/// Newest-first order of the records a listing shows, and each record's rendered JSON, cached
/// until the account changes: a large account then costs the simulator little per page, so a
/// benchmark measures the client rather than the simulator.
struct ListOrder {
    version: u64,
    jobs: Vec<usize>,
    leads: Vec<usize>,
    job_json: Vec<OnceLock<Arc<str>>>,
    lead_json: Vec<OnceLock<Arc<str>>>,
}

pub(crate) struct SimState {
    pub config: SimConfig,
    pub account: RwLock<Account>,
    /// Bumped by every change to the account, to invalidate `order`.
    pub version: AtomicU64,
    order: Mutex<Option<Arc<ListOrder>>>,
    pub rng: Mutex<StdRng>,
    pub script: Mutex<VecDeque<Fault>>,
    window: Mutex<VecDeque<Instant>>,
    counters: Counters,
    changes_left: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a simulator lock leaves plain data behind; keep serving.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl SimState {
    pub fn new(config: SimConfig) -> Self {
        let account = Account::generate(&config.shape);
        let rng = StdRng::seed_from_u64(config.shape.seed ^ 0x5eed_fa17);
        let changes_left = AtomicU64::new(u64::from(config.faults.change_budget));
        Self {
            config,
            account: RwLock::new(account),
            version: AtomicU64::new(1),
            order: Mutex::new(None),
            rng: Mutex::new(rng),
            script: Mutex::new(VecDeque::new()),
            window: Mutex::new(VecDeque::new()),
            counters: Counters::default(),
            changes_left,
        }
    }

    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, Account> {
        self.account.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn mutate<R>(&self, change: impl FnOnce(&mut Account, &mut StdRng) -> R) -> R {
        let mut account = self.account.write().unwrap_or_else(|e| e.into_inner());
        let mut rng = lock(&self.rng);
        let result = change(&mut account, &mut rng);
        self.version.fetch_add(1, Ordering::SeqCst);
        result
    }

    pub fn stats(&self) -> SimStats {
        let c = &self.counters;
        SimStats {
            requests: c.requests.load(Ordering::Relaxed),
            forbidden: c.forbidden.load(Ordering::Relaxed),
            throttled: c.throttled.load(Ordering::Relaxed),
            faults: c.faults.load(Ordering::Relaxed),
            changes: c.changes.load(Ordering::Relaxed),
        }
    }

    fn order(&self) -> Arc<ListOrder> {
        let version = self.version.load(Ordering::SeqCst);
        let mut cache = lock(&self.order);
        if let Some(order) = cache.as_ref().filter(|o| o.version == version) {
            return order.clone();
        }
        let account = self.read();
        let mut jobs: Vec<usize> = (0..account.jobs.len()).collect();
        jobs.sort_by(|a, b| account.jobs[*b].list_time().cmp(&account.jobs[*a].list_time()));
        let mut leads: Vec<usize> = (0..account.leads.len()).collect();
        leads.sort_by(|a, b| account.leads[*b].list_time().cmp(&account.leads[*a].list_time()));
        let order = Arc::new(ListOrder {
            version,
            job_json: (0..jobs.len()).map(|_| OnceLock::new()).collect(),
            lead_json: (0..leads.len()).map(|_| OnceLock::new()).collect(),
            jobs,
            leads,
        });
        *cache = Some(order.clone());
        order
    }

    /// Sliding-window rate limit over accepted requests.
    fn over_limit(&self) -> bool {
        let Some((limit, window)) = self.config.rate_limit else { return false };
        let now = Instant::now();
        let mut times = lock(&self.window);
        while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
            times.pop_front();
        }
        if times.len() >= limit as usize {
            return true;
        }
        times.push_back(now);
        false
    }

    fn draw_fault(&self) -> Option<Fault> {
        if let Some(fault) = lock(&self.script).pop_front() {
            return Some(fault);
        }
        let mut rng = lock(&self.rng);
        self.config.faults.table().into_iter().find(|(_, p)| *p > 0.0 && rng.random_bool(p.min(1.0))).map(|(f, _)| f)
    }

    fn chance(&self, p: f64) -> bool {
        p > 0.0 && lock(&self.rng).random_bool(p.min(1.0))
    }
}

pub(crate) fn router(state: Arc<SimState>) -> Router {
    Router::new().route("/api/v1/{token}/{*path}", any(handle)).fallback(|| async { forbidden() }).with_state(state)
}

fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        axum::Json(json!({"success":false,"error":"Forbidden","message":"Invalid API path or malformed API key."})),
    )
        .into_response()
}

fn json_response(value: &Value) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], value.to_string()).into_response()
}

fn invalid_end_point(state: &SimState) -> Response {
    let status = StatusCode::from_u16(state.config.invalid_endpoint_status).unwrap_or(StatusCode::OK);
    (status, [(header::CONTENT_TYPE, "text/html")], "Invalid end point").into_response()
}

fn refused(message: &str) -> Response {
    json_response(&json!({"flag": false, "code": 400, "data": message}))
}

async fn handle(
    State(state): State<Arc<SimState>>,
    Path((token, path)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    state.counters.requests.fetch_add(1, Ordering::Relaxed);
    if token != state.config.token {
        state.counters.forbidden.fetch_add(1, Ordering::Relaxed);
        return forbidden();
    }
    if state.over_limit() {
        state.counters.throttled.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::TOO_MANY_REQUESTS, axum::Json(json!({"flag":false,"msg":"Too many requests"})))
            .into_response();
    }
    if !state.config.latency.is_zero() {
        tokio::time::sleep(state.config.latency).await;
    }
    let params = Params::parse(query.as_deref().unwrap_or(""));
    if let Some(fault) = state.draw_fault() {
        state.counters.faults.fetch_add(1, Ordering::Relaxed);
        if let Some(response) = inject(&state, fault, &path, &params).await {
            return response;
        }
    }
    answer(&state, &path, &params)
}

/// Answers with the fault; `None` when the fault is a delay after which the real answer follows.
async fn inject(state: &SimState, fault: Fault, path: &str, params: &Params) -> Option<Response> {
    Some(match fault {
        Fault::TooManyRequests => {
            (StatusCode::TOO_MANY_REQUESTS, axum::Json(json!({"flag":false,"msg":"Too many requests"}))).into_response()
        }
        Fault::InternalError => (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response(),
        Fault::BadGateway => (StatusCode::BAD_GATEWAY, "<html><body>502 Bad Gateway</body></html>").into_response(),
        Fault::Timeout => {
            tokio::time::sleep(state.config.stall).await;
            return None;
        }
        Fault::Truncated => {
            let full = answer(state, path, params);
            let bytes = axum::body::to_bytes(full.into_body(), usize::MAX).await.unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            ([(header::CONTENT_TYPE, "application/json")], Body::from(cut)).into_response()
        }
        Fault::Malformed => {
            ([(header::CONTENT_TYPE, "application/json")], "{\"flag\":true,\"data\":[{\"UUID\":,}").into_response()
        }
        Fault::FlagFalse => json_response(&json!({"flag": false, "msg": "Something went wrong, please try again"})),
    })
}

/// Query parameters, keeping repeated keys (`status`).
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: &str) -> Self {
        Self(form_urlencoded::parse(query.as_bytes()).into_owned().collect())
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn all(&self, key: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.to_lowercase()).collect()
    }
}

fn answer(state: &SimState, path: &str, params: &Params) -> Response {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["job", "all"] => list(state, params, Listing::Jobs),
        ["lead", "all"] => list(state, params, Listing::Leads),
        ["job", "get", uuid] => {
            let account = state.read();
            match account.job(uuid) {
                Some(job) => json_response(&json!({"flag": true, "data": [wire::job(job, state.config.wire_style)]})),
                None => StatusCode::NO_CONTENT.into_response(),
            }
        }
        ["lead", "get", uuid] => {
            let account = state.read();
            match account.lead(uuid) {
                Some(lead) => {
                    json_response(&json!({"flag": true, "data": [wire::lead(lead, state.config.wire_style)]}))
                }
                None => StatusCode::NO_CONTENT.into_response(),
            }
        }
        ["team", "all"] => {
            let account = state.read();
            let team: Vec<Value> = account.team.iter().map(|m| wire::team_member(m, state.config.wire_style)).collect();
            json_response(&json!({"flag": true, "data": team}))
        }
        ["team", "get", id] => {
            let account = state.read();
            match account.team.iter().find(|m| m.id.to_string() == *id) {
                Some(m) => {
                    json_response(&json!({"flag": true, "data": [wire::team_member(m, state.config.wire_style)]}))
                }
                None => refused("User not found"),
            }
        }
        ["TimeOff", "get"] => {
            let account = state.read();
            json_response(&Value::Array(account.time_off.iter().map(wire::time_off).collect()))
        }
        ["TimeOff", "get", user] => {
            let account = state.read();
            json_response(&Value::Array(
                account.time_off.iter().filter(|t| t.user_name == *user).map(wire::time_off).collect(),
            ))
        }
        ["Client", "get", id] => {
            let account = state.read();
            match account.clients.iter().find(|c| c.id.to_string() == *id) {
                Some(c) => json_response(&json!({"flag": true, "data": wire::client(c, state.config.wire_style)})),
                None => (StatusCode::NOT_FOUND, axum::Json(json!({"flag": false, "msg": "Client not found"})))
                    .into_response(),
            }
        }
        [name] if state.config.extra_endpoints.iter().any(|e| e == name) => extra(state, name, params),
        _ => invalid_end_point(state),
    }
}

#[derive(Clone, Copy)]
enum Listing {
    Jobs,
    Leads,
}

fn list(state: &SimState, params: &Params, listing: Listing) -> Response {
    let now = state.read().now;
    let start_date = match params.get("start_date") {
        None => now.date() - Duration::days(14),
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => date,
            Err(_) => return refused("start_date must be yyyy-MM-dd"),
        },
    };
    let offset: usize = match params.get("offset").map(str::parse).transpose() {
        Ok(offset) => offset.unwrap_or(0),
        Err(_) => return refused("offset must be a number"),
    };
    let records: usize = match params.get("records").map(str::parse::<usize>).transpose() {
        Ok(records) => records.unwrap_or(100).clamp(1, 100),
        Err(_) => return refused("records must be a number"),
    };
    let only_open = !matches!(params.get("only_open"), Some("false" | "0"));
    let statuses = params.all("status");
    let start = start_date.and_time(chrono::NaiveTime::MIN);

    let order = state.order();
    let (job_order, lead_order) = (&order.jobs, &order.leads);
    let account = state.read();
    let style = state.config.wire_style;
    // Indices in newest-first order, restricted to the window and filters.
    // Unfiltered listings (what a sync asks for) are a prefix of the newest-first order: found by
    // binary search, so a page costs the same at any depth of a large account.
    let unfiltered = !only_open && statuses.is_empty();
    let render = |i: usize| match listing {
        Listing::Jobs => {
            order.job_json[i].get_or_init(|| wire::job(&account.jobs[i], style).to_string().into()).clone()
        }
        Listing::Leads => {
            order.lead_json[i].get_or_init(|| wire::lead(&account.leads[i], style).to_string().into()).clone()
        }
    };
    let visible: Vec<usize> = match listing {
        Listing::Jobs if unfiltered => {
            let end = job_order.partition_point(|i| account.jobs[*i].list_time() >= start);
            let page = page_of(state, &job_order[..end], offset, records, render);
            drop(account);
            return respond(state, page);
        }
        Listing::Leads if unfiltered => {
            let end = lead_order.partition_point(|i| account.leads[*i].list_time().is_some_and(|t| t >= start));
            let page = page_of(state, &lead_order[..end], offset, records, render);
            drop(account);
            return respond(state, page);
        }
        Listing::Jobs => job_order
            .iter()
            .copied()
            .take_while(|i| account.jobs[*i].list_time() >= start)
            .filter(|i| {
                let status = account.jobs[*i].status.to_lowercase();
                (!only_open || (status != "done" && status != "canceled"))
                    && (statuses.is_empty() || statuses.contains(&status))
            })
            .collect(),
        Listing::Leads => lead_order
            .iter()
            .copied()
            .take_while(|i| account.leads[*i].list_time().is_some_and(|t| t >= start))
            .filter(|i| {
                let status = account.leads[*i].status.to_lowercase();
                (!only_open || (status != "done" && status != "canceled"))
                    && (statuses.is_empty() || statuses.contains(&status))
            })
            .collect(),
    };
    let page = page_of(state, &visible, offset, records, render);
    drop(account);
    respond(state, page)
}

struct ListPage {
    /// Each record's JSON text.
    data: Vec<Arc<str>>,
    has_more: bool,
    found: usize,
}

/// Answers with the page, then (with the change fault) changes the account before the next
/// page is asked for. Called with no lock on the account held.
fn respond(state: &SimState, page: ListPage) -> Response {
    let changing = page.has_more && state.chance(state.config.faults.change_between_pages) && take_change(state);
    let response = envelope(state.config.envelope, page.data, page.has_more, page.found);
    if changing {
        change_between_pages(state);
    }
    response
}

/// One page of `visible` at `offset`, with the duplicate fault applied.
fn page_of(
    state: &SimState,
    visible: &[usize],
    offset: usize,
    records: usize,
    render: impl Fn(usize) -> Arc<str>,
) -> ListPage {
    let first = match state.config.offset_meaning {
        OffsetMeaning::Records => offset,
        OffsetMeaning::Pages => offset.saturating_mul(records),
    };
    let first = first.min(visible.len());
    let last = (first + records).min(visible.len());
    let mut shown: Vec<usize> = visible[first..last].to_vec();
    // A page that repeats the tail of the previous one, as when records shift between requests.
    if first > 0 && !shown.is_empty() && state.chance(state.config.faults.duplicate_across_pages) {
        let repeat = first.min(2);
        let mut with_repeats = visible[first - repeat..first].to_vec();
        with_repeats.extend(shown);
        shown = with_repeats;
    }
    let data: Vec<Arc<str>> = shown.into_iter().map(render).collect();
    ListPage { data, has_more: last < visible.len(), found: visible.len() }
}

fn take_change(state: &SimState) -> bool {
    state.changes_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
}

/// A new newest job (which shifts every later page down by one) and an edit of a random job.
fn change_between_pages(state: &SimState) {
    state.counters.changes.fetch_add(1, Ordering::Relaxed);
    state.mutate(|account, rng| {
        account.insert_newest_job(rng);
        if !account.jobs.is_empty() {
            let i = rng.random_range(0..account.jobs.len());
            let job = &mut account.jobs[i];
            job.amount_due_cents -= 500;
            job.last_status_update += Duration::minutes(1);
        }
    });
}

/// A list answer assembled from the records' JSON texts.
fn envelope(style: EnvelopeStyle, data: Vec<Arc<str>>, has_more: bool, found: usize) -> Response {
    let mut body = String::with_capacity(data.iter().map(|d| d.len() + 1).sum::<usize>() + 64);
    body.push_str(if style == EnvelopeStyle::Bare { "[" } else { "{\"flag\":true,\"data\":[" });
    for (i, record) in data.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(record);
    }
    match style {
        EnvelopeStyle::Bare => body.push(']'),
        EnvelopeStyle::Wrapped => body.push_str(&format!("],\"has_more\":{has_more}}}")),
        EnvelopeStyle::WrappedWithFound => body.push_str(&format!("],\"has_more\":{has_more},\"found\":{found}}}")),
    }
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The seed's extra paths, for an account configured to offer them.
fn extra(state: &SimState, name: &str, params: &Params) -> Response {
    let account = state.read();
    let all: Vec<Value> = match name {
        "payments" => account.payments().map(wire::payment).collect(),
        "calls" => account
            .calls
            .iter()
            .map(|c| {
                json!({"id": c.id, "from": c.from_number, "to": c.to_number,
                             "time": c.time.format("%Y-%m-%d %H:%M:%S").to_string(), "flow": c.flow,
                             "adGroup": c.ad_group, "answered": c.answered, "jobUuid": c.job_uuid,
                             "duration": c.duration_secs})
            })
            .collect(),
        "clients" => account.clients.iter().map(|c| wire::client(c, state.config.wire_style)).collect(),
        "users" => account.team.iter().map(|m| wire::team_member(m, state.config.wire_style)).collect(),
        "schedules" => account.time_off.iter().map(wire::time_off).collect(),
        _ => Vec::new(),
    };
    let records = params.get("records").and_then(|r| r.parse().ok()).unwrap_or(100usize).clamp(1, 100);
    let offset = params.get("offset").and_then(|r| r.parse().ok()).unwrap_or(0usize).min(all.len());
    let last = (offset + records).min(all.len());
    let found = all.len();
    let page = all[offset..last].iter().map(|v| Arc::from(v.to_string())).collect();
    envelope(state.config.envelope, page, last < found, found)
}
