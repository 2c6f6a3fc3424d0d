//! Stopping while Workiz does not answer: Ctrl-C ends `sync`, and SIGTERM ends `serve`, within
//! seconds rather than after the client's retries, and the run log says the run was interrupted.

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use store::{RunStatus, Store};
use workiz_sim::{SimConfig, Simulator};

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
}

/// A simulator whose every answer takes ten minutes.
async fn unanswering_simulator() -> Simulator {
    let mut config = SimConfig::new(3, 30, last_day());
    config.rate_limit = None;
    config.latency = Duration::from_secs(600);
    Simulator::start_local(config).await.expect("sim")
}

fn command(dir: &Path, sim: &Simulator, db: &str, args: &[&str]) -> Command {
    std::fs::write(dir.join("workiz-metrics.toml"), "account = \"stop\"\n[sync]\nrate_limit = 0\n").expect("config");
    let mut command = Command::new(env!("CARGO_BIN_EXE_workiz-metrics"));
    command
        .current_dir(dir)
        .args(["--config", "workiz-metrics.toml", "--db", db])
        .args(args)
        .env("WORKIZ_API_BASE", sim.base_url())
        .env("WORKIZ_API_TOKEN", sim.token())
        .env_remove("DATABASE_URL")
        .env_remove("WORKIZ_METRICS_AUTH_TOKEN")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("stderr.log")).expect("stderr log"));
    command
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill").args([format!("-{name}"), child.id().to_string()]).status().expect("kill");
    assert!(sent.success(), "kill -{name}");
}

/// Waits for the sync run to be under way (its run log row exists).
async fn wait_for_a_running_sync(child: &mut Child, dir: &Path, db: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().expect("poll") {
            let stderr = std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default();
            panic!("exited ({status}) before its sync started:\n{stderr}");
        }
        if let Ok(store) = Store::connect(db).await {
            let running =
                store.runs("stop", 5).await.is_ok_and(|runs| runs.iter().any(|r| r.status == RunStatus::Running));
            store.close().await;
            if running {
                return;
            }
        }
        assert!(Instant::now() < deadline, "no sync started");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn exit_within(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("poll") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running {limit:?} after the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn last_run_status(db: &str) -> (RunStatus, Option<String>) {
    let store = Store::connect(db).await.expect("store");
    let runs = store.runs("stop", 5).await.expect("runs");
    store.close().await;
    let last = runs.first().expect("a run was logged");
    (last.status, last.error.clone())
}

#[tokio::test]
async fn ctrl_c_stops_a_sync_at_once_and_logs_it_interrupted() {
    let sim = unanswering_simulator().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("stop.db").display());
    let mut child = command(dir.path(), &sim, &db, &["sync", "--no-progress"]).spawn().expect("spawn");
    wait_for_a_running_sync(&mut child, dir.path(), &db).await;
    signal(&child, "INT");
    let status = exit_within(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(130), "Ctrl-C is exit code 130");
    let (status, error) = last_run_status(&db).await;
    assert_eq!(status, RunStatus::Interrupted);
    assert!(error.is_some_and(|e| e.contains("asked to stop")));
}

#[tokio::test]
async fn sigterm_stops_serve_while_its_sync_waits_for_workiz() {
    let sim = unanswering_simulator().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("serve.db").display());
    // A first start has missed every scheduled run, so the syncs start at once.
    let mut child = command(dir.path(), &sim, &db, &["serve", "--bind", "127.0.0.1:0"]).spawn().expect("spawn");
    wait_for_a_running_sync(&mut child, dir.path(), &db).await;
    signal(&child, "TERM");
    let status = exit_within(&mut child, Duration::from_secs(10));
    assert!(status.success(), "a stop on request is a clean exit: {status:?}");
    let (status, _) = last_run_status(&db).await;
    assert_eq!(status, RunStatus::Interrupted);
}
