//! The JSON API through the real server: every endpoint, bad parameters, and the access token.

use chrono::NaiveDate;
use ingest::{Resource, SyncOptions, SyncSettings, Syncer};
use metrics_engine::{ReportParams, ReportRequest, ReportSettings};
use serde_json::Value;
use server::{Application, ServerSettings};
use store::Store;
use workiz::{ApiToken, Client, ClientConfig};
use workiz_sim::{SimConfig, Simulator};

const TOKEN: &str = "auth_7c1e9b2d44";

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
}

struct TestApp {
    base: String,
    http: reqwest::Client,
    store: Store,
    account: String,
    _dir: tempfile::TempDir,
    _sim: Simulator,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl TestApp {
    async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("get");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

fn report_settings() -> ReportSettings {
    ReportSettings { timezone: "UTC".into(), ..ReportSettings::default() }
}

/// A server over a SQLite file synced from a 60-day simulated account.
async fn spawn_app(auth_token: Option<&str>) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("api.db").display())).await.expect("store");
    let mut config = SimConfig::new(41, 60, last_day());
    config.rate_limit = None;
    let sim = Simulator::start_local(config).await.expect("sim");
    let mut client = ClientConfig::new(sim.base_url(), ApiToken::parse(sim.token()).expect("token"));
    client.rate_limit = None;
    let client = Client::new(client).expect("client");
    let account = "api".to_owned();
    let mut sync = SyncSettings::new(&account, chrono_tz::UTC);
    sync.today = Some(last_day());
    let options = SyncOptions {
        resources: vec![Resource::Jobs, Resource::Leads],
        since: Some(last_day() - chrono::Duration::days(59)),
        full: false,
    };
    Syncer::new(store.clone(), client.clone(), sync).run(&options, &()).await.expect("sync");
    let settings = ServerSettings {
        bind: "127.0.0.1:0".parse().expect("addr"),
        account: account.clone(),
        timezone: chrono_tz::UTC,
        webhook_secret: None,
        auth_token: auth_token.map(str::to_owned),
        report: report_settings(),
    };
    let app = Application::build(settings, store.clone(), Some(client)).await.expect("app");
    let base = format!("http://{}", app.addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    TestApp { base, http: reqwest::Client::new(), store, account, _dir: dir, _sim: sim, _stop: stop }
}

#[tokio::test]
async fn the_report_endpoint_returns_the_metrics_object() {
    let app = spawn_app(None).await;
    let (status, body) = app.get("/api/v1/report?from=2026-11-01&to=2026-11-30&by=week", None).await;
    assert_eq!(status, 200, "{body}");
    let params = ReportParams {
        from: Some("2026-11-01".into()),
        to: Some("2026-11-30".into()),
        by: Some("week".into()),
        ..ReportParams::default()
    };
    let request = ReportRequest::from_params(&params, &report_settings()).expect("request");
    let direct = metrics_engine::report(&app.store, &app.account, &request).await.expect("report");
    assert_eq!(body, serde_json::to_value(&direct).expect("json"));
    assert_eq!(body["from"], "2026-11-01");
    assert!(body["totals"]["revenue_gross"].as_str().is_some_and(|m| m.contains('.')));
    assert_eq!(body["series"].as_array().map(Vec::len), Some(6), "weeks from Oct 26 to Nov 30");
}

#[tokio::test]
async fn bad_parameters_are_400_naming_the_parameter() {
    let app = spawn_app(None).await;
    for (query, param) in [
        ("to=2026-11-30", "from"),
        ("from=2026-11-01&to=someday", "to"),
        ("from=2026-11-30&to=2026-11-01", "from"),
        ("from=2026-11-01&to=2026-11-30&by=year", "by"),
        ("from=2026-11-01&to=2026-11-30&segment=VIP", "segment"),
    ] {
        let (status, body) = app.get(&format!("/api/v1/report?{query}"), None).await;
        assert_eq!((status, body["param"].as_str()), (400, Some(param)), "{query}: {body}");
    }
    let (status, body) = app.get("/api/v1/jobs?from=2026-11-01&to=2026-11-30&kind=refunds", None).await;
    assert_eq!((status, body["param"].as_str()), (400, Some("kind")));
    let (status, body) = app.get("/api/v1/jobs?from=2026-11-01&to=2026-11-30&per_page=0", None).await;
    assert_eq!((status, body["param"].as_str()), (400, Some("per_page")));
    let (status, body) = app.get("/api/v1/sync/runs?limit=lots", None).await;
    assert_eq!((status, body["param"].as_str()), (400, Some("limit")));
}

#[tokio::test]
async fn the_jobs_endpoint_lists_the_records_behind_a_number() {
    let app = spawn_app(None).await;
    let (_, report) = app.get("/api/v1/report?from=2026-11-01&to=2026-11-30", None).await;
    let by_source = report["by_source"].as_array().expect("sources");
    let first = &by_source[0];
    let source = first["source"].as_str().expect("name");
    let repairs = first["repairs"].as_u64().expect("repairs");
    let url = format!(
        "/api/v1/jobs?from=2026-11-01&to=2026-11-30&source={}&kind=repairs&per_page=5",
        source.replace(' ', "%20")
    );
    let (status, page) = app.get(&url, None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"].as_u64(), Some(repairs), "the drill-down holds exactly the repairs counted");
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len() as u64, repairs.min(5));
    for item in items {
        assert_eq!(item["source"], source);
        assert!(
            item["workiz_url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/1") && u.contains(item["uuid"].as_str().unwrap_or("?")))
        );
    }
    // The pages together hold every job once.
    let total_jobs = report["totals"]["jobs"].as_u64().expect("jobs");
    let mut seen = std::collections::HashSet::new();
    for page in 1.. {
        let (_, body) =
            app.get(&format!("/api/v1/jobs?from=2026-11-01&to=2026-11-30&per_page=100&page={page}"), None).await;
        let items = body["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            break;
        }
        seen.extend(items.iter().filter_map(|i| i["uuid"].as_str().map(str::to_owned)));
    }
    assert_eq!(seen.len() as u64, total_jobs);
    let (status, runs) = app.get("/api/v1/sync/runs", None).await;
    assert_eq!(status, 200);
    assert_eq!(runs.as_array().map(Vec::len), Some(2), "jobs and leads");
}

#[tokio::test]
async fn the_access_token_guards_the_api_but_not_health() {
    let app = spawn_app(Some(TOKEN)).await;
    let path = "/api/v1/report?from=2026-11-01&to=2026-11-30";
    assert_eq!(app.get(path, None).await.0, 401);
    assert_eq!(app.get(path, Some("auth_wrong")).await.0, 401);
    assert_eq!(app.get(path, Some(TOKEN)).await.0, 200);
    assert_eq!(app.get("/api/v1/sync/runs", None).await.0, 401);
    assert_eq!(app.get("/healthz", None).await.0, 200);
    let (_, body) = app.get(path, None).await;
    assert!(body["error"].as_str().is_some_and(|e| e.contains("WORKIZ_METRICS_AUTH_TOKEN") && !e.contains(TOKEN)));
}
