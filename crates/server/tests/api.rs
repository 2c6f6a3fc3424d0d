//! The JSON API through the real server: every endpoint, bad parameters, and the access token.

mod common;

use common::{first_source, spawn_app};
use metrics_engine::{ReportParams, ReportRequest, ReportSettings};
use serde_json::{Value, json};

const TOKEN: &str = "auth_7c1e9b2d44";
const NOVEMBER: &str = "from=2026-11-01&to=2026-11-30";

#[tokio::test]
async fn the_report_endpoint_returns_the_metrics_object() {
    let app = spawn_app(None).await;
    let (status, body) = app.json(&format!("/api/v1/report?{NOVEMBER}&by=week")).await;
    assert_eq!(status, 200, "{body}");
    let params = ReportParams {
        from: Some("2026-11-01".into()),
        to: Some("2026-11-30".into()),
        by: Some("week".into()),
        ..ReportParams::default()
    };
    let settings = ReportSettings { timezone: "UTC".into(), ..ReportSettings::default() };
    let request = ReportRequest::from_params(&params, &settings).expect("request");
    let direct = metrics_engine::report(&app.store, app.account, &request).await.expect("report");
    assert_eq!(body, serde_json::to_value(&direct).expect("json"));
    // Byte for byte, so the keys keep METRICS.md's order (a `Value` comparison ignores it).
    let url = format!("{}/api/v1/report?{NOVEMBER}&by=week", app.base);
    let text = app.http_no_redirect.get(url).send().await.expect("get").text().await.expect("body");
    assert_eq!(text, serde_json::to_string(&direct).expect("json"));
    assert!(text.starts_with(r#"{"from":"2026-11-01","to":"2026-11-30","timezone":"UTC","excluded_job_statuses":"#));
    assert_eq!(body["series"].as_array().map(Vec::len), Some(6), "weeks from Oct 26 to Nov 30");
    assert!(body["totals"]["calls"].as_u64().is_some_and(|c| c > 1000), "calls imported from the export");
    assert!(body["totals"]["collected"].is_string(), "payments known");
}

#[tokio::test]
async fn bad_parameters_are_400_naming_the_parameter() {
    let app = spawn_app(None).await;
    for (path, param) in [
        ("/api/v1/report?to=2026-11-30", "from"),
        ("/api/v1/report?from=2026-11-01&to=someday", "to"),
        ("/api/v1/report?from=2026-11-30&to=2026-11-01", "from"),
        ("/api/v1/report?from=2026-11-01&to=2026-11-30&by=year", "by"),
        ("/api/v1/report?from=2026-11-01&to=2026-11-30&segment=VIP", "segment"),
        ("/api/v1/jobs?from=2026-11-01&to=2026-11-30&kind=refunds", "kind"),
        ("/api/v1/jobs?from=2026-11-01&to=2026-11-30&per_page=0", "per_page"),
        ("/api/v1/leads?from=2026-11-01&to=2026-11-30&kind=hot", "kind"),
        ("/api/v1/calls?from=2026-11-01&to=2026-11-30&page=0", "page"),
        ("/api/v1/payments?from=2026-11-01", "to"),
        ("/api/v1/spend?to=2026-11-30", "from"),
        ("/api/v1/sync/runs?limit=lots", "limit"),
    ] {
        let (status, body) = app.json(path).await;
        assert_eq!((status, body["param"].as_str()), (400, Some(param)), "{path}: {body}");
    }
    for (body, param) in [
        (json!({"date_from": "2026-11-01", "date_to": "2026-11-30", "amount": 5}), "source"),
        (json!({"source": "Google", "date_from": "2026-11-31", "date_to": "2026-11-30", "amount": 5}), "date_from"),
        (json!({"source": "Google", "date_from": "2026-11-01", "date_to": "2026-11-30", "amount": "lots"}), "amount"),
    ] {
        let (status, answer) = app.post_json("/api/v1/spend", &body).await;
        assert_eq!((status, answer["param"].as_str()), (400, Some(param)), "{body}: {answer}");
    }
    let (status, body) = app.post_json("/api/v1/sync/payroll", &json!({})).await;
    assert_eq!((status, body["param"].as_str()), (400, Some("resource")));
}

#[tokio::test]
async fn the_lists_hold_the_records_behind_the_numbers() {
    let app = spawn_app(None).await;
    let (_, report) = app.json(&format!("/api/v1/report?{NOVEMBER}")).await;
    let totals = &report["totals"];
    let (source, repairs) = first_source(&report);
    let query = format!("/api/v1/jobs?{NOVEMBER}&source={}&kind=repairs&per_page=5", source.replace(' ', "%20"));
    let (status, page) = app.json(&query).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"].as_u64(), Some(repairs), "the drill-down holds exactly the repairs counted");
    assert!(page["items"].as_array().is_some_and(|i| i.iter().all(|j| j["source"] == source.as_str())));
    let total = |body: &Value| body["total"].as_u64();
    assert_eq!(total(&app.json(&format!("/api/v1/jobs?{NOVEMBER}")).await.1), totals["jobs"].as_u64());
    assert_eq!(total(&app.json(&format!("/api/v1/jobs?{NOVEMBER}&kind=units")).await.1), totals["units"].as_u64());
    assert_eq!(total(&app.json(&format!("/api/v1/leads?{NOVEMBER}&kind=counted")).await.1), totals["leads"].as_u64());
    assert_eq!(
        total(&app.json(&format!("/api/v1/leads?{NOVEMBER}&kind=pro_referral")).await.1),
        totals["pro_referral_leads"].as_u64()
    );
    let (status, calls) = app.json(&format!("/api/v1/calls?{NOVEMBER}")).await;
    assert_eq!((status, total(&calls)), (200, totals["calls"].as_u64()), "{calls}");
    let (_, payments) = app.json(&format!("/api/v1/payments?{NOVEMBER}&per_page=500")).await;
    let mut collected = 0i64;
    for page in 1..=20 {
        let (_, body) = app.json(&format!("/api/v1/payments?{NOVEMBER}&per_page=500&page={page}")).await;
        let items = body["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            break;
        }
        collected += items.iter().map(|p| cents(p["amount"].as_str().unwrap_or("0"))).sum::<i64>();
    }
    assert!(payments["total"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(collected, cents(totals["collected"].as_str().unwrap_or("0")), "the payments add up to collected");
    let (status, runs) = app.json("/api/v1/sync/runs").await;
    assert_eq!(status, 200);
    assert_eq!(runs.as_array().map(Vec::len), Some(2), "jobs and leads");
}

fn cents(money: &str) -> i64 {
    let (whole, fraction) = money.split_once('.').unwrap_or((money, "0"));
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    whole.trim_start_matches('-').parse::<i64>().unwrap_or(0) * 100 * sign + sign * fraction.parse::<i64>().unwrap_or(0)
}

#[tokio::test]
async fn spend_can_be_read_and_added() {
    let app = spawn_app(None).await;
    let (status, entries) = app.json(&format!("/api/v1/spend?{NOVEMBER}")).await;
    assert_eq!((status, entries.as_array().map(Vec::len)), (200, Some(3)));
    let entry = json!({"source": "Thumbtack", "date_from": "2026-11-01", "date_to": "2026-11-30", "amount": "300.00", "campaign": "Fall"});
    let (status, body) = app.post_json("/api/v1/spend", &entry).await;
    assert_eq!((status, &body["inserted"]), (201, &json!(1)));
    let (status, body) = app.post_json("/api/v1/spend", &entry).await;
    assert_eq!((status, &body["unchanged"]), (200, &json!(1)), "the same entry twice is stored once");
    let (_, report) = app.json(&format!("/api/v1/report?{NOVEMBER}&source=Thumbtack")).await;
    assert_eq!(report["totals"]["cost"], "300.00");
}

#[tokio::test]
async fn a_sync_can_be_started_and_is_logged() {
    let app = spawn_app(None).await;
    let (status, body) = app.post_json("/api/v1/sync/team", &json!({})).await;
    assert_eq!((status, body["started"].as_str()), (202, Some("team")));
    for _ in 0..100 {
        let (_, runs) = app.json("/api/v1/sync/runs").await;
        if runs.as_array().is_some_and(|r| r.iter().any(|run| run["resource"] == "team" && run["status"] == "ok")) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the team sync never finished");
}

#[tokio::test]
async fn the_openapi_document_and_prometheus_metrics() {
    let app = spawn_app(None).await;
    let (status, doc) = app.json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let paths: Vec<&str> = doc["paths"].as_object().map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
    for path in [
        "/api/v1/report",
        "/api/v1/jobs",
        "/api/v1/leads",
        "/api/v1/calls",
        "/api/v1/payments",
        "/api/v1/spend",
        "/api/v1/sync/runs",
        "/api/v1/sync/{resource}",
        "/healthz",
        "/metrics",
    ] {
        assert!(paths.contains(&path), "{path} is documented");
    }
    let _ = app.json(&format!("/api/v1/report?{NOVEMBER}")).await;
    let (status, text) = app.page("/metrics").await;
    assert_eq!(status, 200);
    assert!(text.contains("workiz_metrics_sync_runs_total{resource=\"jobs\",status=\"ok\"} 1"), "{text}");
    assert!(text.contains("workiz_metrics_records{table=\"calls\",state=\"live\"}"));
    assert!(text.contains("workiz_metrics_rejected_records 0"));
    assert!(text.contains("workiz_metrics_sync_throttled_requests_total"));
    assert!(text.contains("workiz_metrics_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/report\",status=\"200\"} 1"), "{text}");
}

#[tokio::test]
async fn the_access_token_guards_the_api_and_metrics_but_not_health() {
    let app = spawn_app(Some(TOKEN)).await;
    let path = format!("/api/v1/report?{NOVEMBER}");
    assert_eq!(app.get_with(&path, None).await.0, 401);
    assert_eq!(app.get_with(&path, Some("auth_wrong")).await.0, 401);
    assert_eq!(app.get_with(&path, Some(TOKEN)).await.0, 200);
    assert_eq!(app.get_with("/api/v1/sync/runs", None).await.0, 401);
    assert_eq!(app.get_with("/metrics", None).await.0, 401);
    assert_eq!(app.get_with("/metrics", Some(TOKEN)).await.0, 200);
    assert_eq!(app.get_with("/healthz", None).await.0, 200);
    let (_, body) = app.get_with(&path, None).await;
    assert!(body["error"].as_str().is_some_and(|e| e.contains("WORKIZ_METRICS_AUTH_TOKEN") && !e.contains(TOKEN)));
}
