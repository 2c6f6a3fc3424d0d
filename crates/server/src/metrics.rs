//! Prometheus `/metrics`: sync runs, records, rejected records and throttled requests from the
//! store, and HTTP requests with their latency from this server. The counters live in the
//! server's state rather than a process-wide registry, so several servers in one process (tests)
//! never mix their figures.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    seconds: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Requests per (method, route, status).
#[derive(Debug, Default)]
pub(crate) struct HttpMetrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl HttpMetrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let s = series.entry((method.to_owned(), route.to_owned(), status)).or_default();
        s.count += 1;
        s.seconds += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                s.buckets[i] += 1;
            }
        }
    }
}

/// Times every request. The route is the matched pattern, so a webhook's secret or a record's id
/// never becomes a label.
pub(crate) async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    state.http.observe(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

/// One metric family: its HELP and TYPE lines, then its samples.
fn family(out: &mut String, (name, kind, help): (&str, &str, &str), samples: impl IntoIterator<Item = String>) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    for sample in samples {
        out.push_str(&sample);
        out.push('\n');
    }
}

fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

pub(crate) async fn render(State(state): State<Arc<AppState>>) -> Response {
    let account = &state.settings.account;
    let (runs, counts, rejected) = match tokio::try_join!(
        state.store.run_counts(account),
        state.store.counts(account),
        state.store.rejected_count(account)
    ) {
        Ok(all) => all,
        Err(e) => {
            return (StatusCode::SERVICE_UNAVAILABLE, format!("# the database is not available: {e}\n"))
                .into_response();
        }
    };
    let mut out = String::new();
    family(
        &mut out,
        ("workiz_metrics_sync_runs_total", "counter", "Sync runs by resource and outcome."),
        runs.iter().map(|r| {
            format!(
                "workiz_metrics_sync_runs_total{{resource=\"{}\",status=\"{}\"}} {}",
                label(&r.resource),
                label(&r.status),
                r.runs
            )
        }),
    );
    family(
        &mut out,
        ("workiz_metrics_sync_records_seen_total", "counter", "Records read by sync runs."),
        runs.iter().map(|r| {
            format!(
                "workiz_metrics_sync_records_seen_total{{resource=\"{}\",status=\"{}\"}} {}",
                label(&r.resource),
                label(&r.status),
                r.seen
            )
        }),
    );
    family(
        &mut out,
        ("workiz_metrics_sync_throttled_requests_total", "counter", "Workiz requests answered 429 during sync runs."),
        runs.iter().map(|r| {
            format!(
                "workiz_metrics_sync_throttled_requests_total{{resource=\"{}\",status=\"{}\"}} {}",
                label(&r.resource),
                label(&r.status),
                r.throttled
            )
        }),
    );
    family(
        &mut out,
        ("workiz_metrics_records", "gauge", "Stored records by table, live and marked deleted."),
        counts.iter().flat_map(|c| {
            [
                format!("workiz_metrics_records{{table=\"{}\",state=\"live\"}} {}", c.table, c.live),
                format!("workiz_metrics_records{{table=\"{}\",state=\"deleted\"}} {}", c.table, c.deleted),
            ]
        }),
    );
    family(
        &mut out,
        ("workiz_metrics_rejected_records", "gauge", "Records kept aside because they could not be read."),
        [format!("workiz_metrics_rejected_records {rejected}")],
    );
    let series = state.http.series.lock().unwrap_or_else(|e| e.into_inner()).clone();
    family(
        &mut out,
        ("workiz_metrics_http_request_duration_seconds", "histogram", "HTTP requests served, by route and status."),
        series.iter().flat_map(|((method, route, status), s)| {
            let labels = format!("method=\"{}\",route=\"{}\",status=\"{status}\"", label(method), label(route));
            let mut lines: Vec<String> = BUCKETS
                .iter()
                .zip(s.buckets)
                .map(|(bound, n)| {
                    format!("workiz_metrics_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}")
                })
                .collect();
            lines.push(format!(
                "workiz_metrics_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            ));
            lines.push(format!("workiz_metrics_http_request_duration_seconds_sum{{{labels}}} {}", s.seconds));
            lines.push(format!("workiz_metrics_http_request_duration_seconds_count{{{labels}}} {}", s.count));
            lines
        }),
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
