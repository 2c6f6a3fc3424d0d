//! A server over a SQLite file synced from a simulated account, with page and JSON helpers.
#![allow(dead_code)]

use chrono::NaiveDate;
use ingest::{Resource, SyncOptions, SyncSettings, Syncer};
use metrics_engine::ReportSettings;
use serde_json::Value;
use server::{Application, ServerSettings};
use store::{SpendRow, Store};
use workiz::{ApiToken, Client, ClientConfig};
use workiz_sim::{SimConfig, Simulator};

pub fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
}

pub struct TestApp {
    pub base: String,
    pub account: &'static str,
    pub http: reqwest::Client,
    pub http_no_redirect: reqwest::Client,
    pub store: Store,
    _dir: tempfile::TempDir,
    _sim: Simulator,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl TestApp {
    pub async fn page(&self, path: &str) -> (u16, String) {
        let response = self.http.get(format!("{}{path}", self.base)).send().await.expect("get");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    pub async fn get_with(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("get");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("post");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn json(&self, path: &str) -> (u16, Value) {
        let (status, text) = self.page(path).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// The first link (href) after `anchor` whose target contains `needle`, unescaped.
    pub fn link_in(&self, html: &str, anchor: &str, needle: &str) -> Option<String> {
        let from = html.find(anchor)?;
        html[from..]
            .split("href=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or_default().replace("&#38;", "&").replace("&amp;", "&"))
            .find(|href| href.contains(needle))
    }
}

/// The number a headline card shows.
pub fn headline(html: &str, key: &str) -> String {
    let card = html.split(&format!("data-key=\"{key}\"")).nth(1).unwrap_or_default();
    let value = card.split("class=\"value\">").nth(1).unwrap_or_default();
    let value = value.split("</div>").next().unwrap_or_default();
    // Strip a link around the number.
    let text: String = value.split('>').filter_map(|part| part.split('<').next()).collect();
    text.trim().to_owned()
}

/// The first source of a report and its repairs.
pub fn first_source(report: &Value) -> (String, u64) {
    let row = &report["by_source"][0];
    (row["source"].as_str().unwrap_or_default().to_owned(), row["repairs"].as_u64().unwrap_or_default())
}

pub async fn spawn_app(auth_token: Option<&str>) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("dash.db").display())).await.expect("store");
    let mut config = SimConfig::new(43, 90, last_day());
    config.rate_limit = None;
    let sim = Simulator::start_local(config).await.expect("sim");
    let mut client = ClientConfig::new(sim.base_url(), ApiToken::parse(sim.token()).expect("token"));
    client.rate_limit = None;
    let client = Client::new(client).expect("client");
    let mut sync = SyncSettings::new("dash", chrono_tz::UTC);
    sync.today = Some(last_day());
    let options = SyncOptions {
        resources: vec![Resource::Jobs, Resource::Leads],
        since: Some(last_day() - chrono::Duration::days(89)),
        full: false,
    };
    Syncer::new(store.clone(), client.clone(), sync).run(&options, &()).await.expect("sync");
    let spend = ["eLocals", "Rely", "Google"].iter().map(|source| SpendRow {
        source: (*source).to_owned(),
        date_from: "2026-09-01".into(),
        date_to: "2026-11-30".into(),
        campaign: String::new(),
        amount_cents: 900_000,
        raw: String::new(),
    });
    store.upsert_spend("dash", spend.collect()).await.expect("spend");
    // Calls and payments come as Workiz exports.
    let from = last_day() - chrono::Duration::days(89);
    let (calls, payments) = sim.with_truth(|a| (a.calls_export(from, last_day()), a.payments_export(from, last_day())));
    std::fs::write(dir.path().join("calls.csv"), calls).expect("calls");
    std::fs::write(dir.path().join("payments.csv"), payments).expect("payments");
    ingest::import_calls(&store, "dash", &dir.path().join("calls.csv"), Some(2026), last_day()).await.expect("calls");
    ingest::import_payments(&store, "dash", &dir.path().join("payments.csv"), chrono_tz::UTC).await.expect("payments");
    let mut sync_settings = SyncSettings::new("dash", chrono_tz::UTC);
    sync_settings.today = Some(last_day());
    let settings = ServerSettings {
        bind: "127.0.0.1:0".parse().expect("addr"),
        account: "dash".into(),
        timezone: chrono_tz::UTC,
        webhook_secret: None,
        auth_token: auth_token.map(str::to_owned),
        report: ReportSettings { timezone: "UTC".into(), ..ReportSettings::default() },
        sync: Some(ingest::Syncer::new(store.clone(), client.clone(), sync_settings)),
    };
    let app = Application::build(settings, store.clone(), Some(client)).await.expect("app");
    let base = format!("http://{}", app.addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let http_no_redirect =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    TestApp {
        base,
        account: "dash",
        http: reqwest::Client::new(),
        http_no_redirect,
        store,
        _dir: dir,
        _sim: sim,
        _stop: stop,
    }
}
