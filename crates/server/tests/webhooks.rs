//! The webhook receiver through the real HTTP server, on SQLite always and on PostgreSQL when
//! `WORKIZ_METRICS_TEST_PG` is set.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;
use server::{Application, ServerSettings};
use store::Store;
use workiz::{ApiToken, Client, ClientConfig};
use workiz_sim::{SimConfig, Simulator};

const SECRET: &str = "hook_3f9a0c7e21";

struct TestApp {
    base: String,
    store: Store,
    account: String,
    sim: Simulator,
    http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl TestApp {
    fn hook_url(&self, secret: &str) -> String {
        format!("{}/hooks/workiz/{secret}", self.base)
    }

    async fn post(&self, secret: &str, body: &str) -> (u16, serde_json::Value) {
        let response = self.http.post(self.hook_url(secret)).body(body.to_owned()).send().await.expect("post");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }
}

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).expect("date")
}

async fn stores() -> Vec<(tempfile::TempDir, Store)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("hooks.db").display());
    let mut stores = vec![(dir, Store::connect(&url).await.expect("sqlite"))];
    if let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") {
        stores.push((tempfile::tempdir().expect("tempdir"), Store::connect(&url).await.expect("postgres")));
    }
    stores
}

/// The server on a free port, with a client of a 10-day simulated account.
async fn spawn_app(store: Store) -> TestApp {
    let mut config = SimConfig::new(31, 10, first_day() + chrono::Duration::days(9));
    config.rate_limit = None;
    let sim = Simulator::start_local(config).await.expect("sim");
    let mut client = ClientConfig::new(sim.base_url(), ApiToken::parse(sim.token()).expect("token"));
    client.rate_limit = None;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let account = format!("hooks-{nanos}");
    let settings = ServerSettings {
        bind: "127.0.0.1:0".parse().expect("addr"),
        account: account.clone(),
        timezone: chrono_tz::UTC,
        webhook_secret: Some(SECRET.to_owned()),
        auth_token: None,
        report: metrics_engine::ReportSettings { timezone: "UTC".into(), ..Default::default() },
        sync: None,
    };
    let app =
        Application::build(settings, store.clone(), Some(Client::new(client).expect("client"))).await.expect("app");
    let base = format!("http://{}", app.addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("http");
    TestApp { base, store, account, sim, http, _stop: stop }
}

#[tokio::test]
async fn the_simulators_events_leave_the_database_equal_to_the_ground_truth() {
    for (_dir, store) in stores().await {
        let app = spawn_app(store).await;
        let url = app.hook_url(SECRET);
        let mut sent = 0;
        for offset in 0..10 {
            let answers = app.sim.send_events(&url, first_day() + chrono::Duration::days(offset)).await.expect("send");
            assert!(answers.iter().all(|(status, _)| *status == 200), "{answers:?}");
            sent += answers.len();
        }
        assert!(sent > 50, "{sent} events");
        let truth = app.sim.truth();
        let last = first_day() + chrono::Duration::days(9);
        // Payments made after the last day sent (a second instalment) have not been announced yet.
        let expected: BTreeMap<String, (i64, String, Option<String>)> = truth
            .payments()
            .filter(|p| p.paid_at.date() <= last)
            .map(|p| (p.id.clone(), (p.amount_cents, p.paid_at.date().to_string(), Some(p.job_uuid.clone()))))
            .collect();
        let stored = app.store.payment_facts(&app.account, "2000-01-01", "2100-01-01").await.expect("payments");
        assert_eq!(stored.len(), expected.len());
        let by_day: BTreeMap<String, i64> = stored.iter().fold(BTreeMap::new(), |mut m, p| {
            *m.entry(p.day.clone()).or_default() += p.amount_cents;
            m
        });
        let truth_by_day: BTreeMap<String, i64> = expected.values().fold(BTreeMap::new(), |mut m, (amount, day, _)| {
            *m.entry(day.clone()).or_default() += amount;
            m
        });
        assert_eq!(by_day, truth_by_day, "each payment on the day it was paid");
        // Job events refreshed every job from job/get.
        let jobs = app.store.jobs(&app.account).await.expect("jobs");
        // (An unscheduled job created before the first day sent has had no event.)
        let announced = truth.jobs.iter().filter(|j| (first_day()..=last).contains(&j.list_time().date())).count();
        assert_eq!(jobs.len(), announced);
        for job in &jobs {
            assert_eq!(job.row.paid_cents, truth.job(&job.row.uuid).map(|t| t.paid_cents()), "{}", job.row.uuid);
        }
        // Lead events refreshed every lead created in those days from lead/get.
        let leads = app.store.leads(&app.account).await.expect("leads");
        let created =
            truth.leads.iter().filter(|l| l.created.is_some_and(|t| (first_day()..=last).contains(&t.date()))).count();
        assert_eq!(leads.len(), created);
        for lead in &leads {
            let t = truth.lead(&lead.row.uuid).expect("known lead");
            assert_eq!(
                (lead.row.status.as_deref(), lead.row.source.as_deref()),
                (Some(t.status.as_str()), t.source.as_deref())
            );
        }
        // Paid amounts and payment records agree, except where an instalment is still to come.
        let pending = truth
            .jobs
            .iter()
            .filter(|j| {
                j.payments.iter().any(|p| p.paid_at.date() <= last)
                    && j.payments.iter().any(|p| p.paid_at.date() > last)
            })
            .count() as i64;
        assert_eq!(app.store.reconcile(&app.account, 5).await.expect("reconcile").paid_mismatches, pending);

        // A replayed day changes nothing.
        let replay = app.sim.send_events(&url, first_day() + chrono::Duration::days(4)).await.expect("replay");
        assert!(!replay.is_empty());
        for (status, body) in &replay {
            let body: serde_json::Value = serde_json::from_str(body).expect("json");
            assert_eq!((*status, &body["changed"]), (200, &serde_json::json!(0)), "{body}");
        }
        assert_eq!(
            app.store.payment_facts(&app.account, "2000-01-01", "2100-01-01").await.expect("p").len(),
            expected.len()
        );
        app.store.close().await;
    }
}

#[tokio::test]
async fn wrong_secrets_malformed_bodies_and_an_unavailable_database() {
    for (_dir, store) in stores().await {
        let app = spawn_app(store).await;
        let event = r#"{"trigger":{"type":"invoice_paid","timestamp":"2026-11-21T17:56:00Z"},
            "data":{"id":"IV-9","uuid":"CC6YKK","payments":[{"id":"PAY-9","type":"Cash","amount":50,"tipAmount":0}]}}"#;
        let (status, _) = app.post("hook_wrong", event).await;
        assert_eq!(status, 404);
        let (status, body) = app.post(SECRET, "{\"trigger\":").await;
        assert_eq!(status, 400);
        assert!(body["error"].as_str().is_some_and(|e| e.contains("not JSON")), "{body}");
        let (status, body) = app.post(SECRET, r#"{"trigger":{"type":"invoice_paid"},"data":{}}"#).await;
        assert_eq!(status, 400);
        assert!(body["error"].as_str().is_some_and(|e| e.contains("timestamp")), "{body}");
        let (status, body) = app.post(SECRET, event).await;
        assert_eq!((status, &body["changed"]), (200, &serde_json::json!(1)));
        let health = app.http.get(format!("{}/healthz", app.base)).send().await.expect("healthz");
        assert_eq!(health.status().as_u16(), 200);

        // With the database gone, the receiver says so, and Workiz will send the event again.
        app.store.close().await;
        let (status, body) = app.post(SECRET, &event.replace("PAY-9", "PAY-10")).await;
        assert_eq!(status, 503, "{body}");
        let health = app.http.get(format!("{}/healthz", app.base)).send().await.expect("healthz");
        assert_eq!(health.status().as_u16(), 503);
    }
}
