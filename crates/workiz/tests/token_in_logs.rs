//! The token is part of every request's URL path: it must never reach a log line or an error,
//! whatever fails. Its own test binary, because it installs a log subscriber for its thread, and
//! tests running beside it on other threads can leave tracing's per-callsite cache saying that
//! no one listens.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use futures::TryStreamExt;
use workiz::{ApiToken, Client, ClientConfig, Job, ListQuery, RetryPolicy};
use workiz_sim::{Fault, SimConfig, Simulator};

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
}

fn sim_config(days: u32) -> SimConfig {
    let mut config = SimConfig::new(42, days, last_day());
    config.rate_limit = None;
    config
}

fn client_config(sim: &Simulator) -> ClientConfig {
    let mut config = ClientConfig::new(sim.base_url(), ApiToken::parse(sim.token()).expect("token"));
    config.rate_limit = None;
    config.retry = RetryPolicy {
        max_retries: 8,
        min_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
        throttle_pause: Duration::from_millis(20),
    };
    config.timeout = Duration::from_secs(5);
    config
}

async fn list_jobs(client: &Client, since: NaiveDate) -> Result<Vec<workiz::Page<Job>>, workiz::Error> {
    client.jobs(ListQuery::since(since)).try_collect().await
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_token_never_reaches_a_log_line_or_error() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut config = sim_config(10);
    config.stall = Duration::from_millis(300);
    let sim = Simulator::start_local(config).await.expect("sim");
    let mut cc = client_config(&sim);
    cc.timeout = Duration::from_millis(100);
    cc.retry.max_retries = 7;
    let client = Client::new(cc).expect("client");
    sim.script_faults(Fault::ALL);
    let _ = list_jobs(&client, last_day()).await.expect("recovers");
    // A connection failure: reqwest's own message would name the URL.
    let mut dead = client_config(&sim);
    dead.base_url = "http://127.0.0.1:9/api/v1".to_owned();
    dead.retry.max_retries = 1;
    let err = list_jobs(&Client::new(dead).expect("client"), last_day()).await.expect_err("unreachable");
    let logs = String::from_utf8(captured.0.lock().expect("logs").clone()).expect("utf8");
    assert!(logs.contains("retrying"), "the faults were logged");
    assert!(!logs.contains(sim.token()), "token in logs:\n{logs}");
    assert!(!format!("{err} {err:?}").contains(sim.token()));
    assert!(format!("{err}").contains("could not reach Workiz"), "{err}");
}
