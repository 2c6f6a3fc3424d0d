//! `workiz-metrics sync` as a separate process: killed with SIGKILL at random moments, the next
//! run still ends with the database equal to the simulator's ground truth.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::NaiveDate;
use store::{RunStatus, Store};
use workiz_sim::{SimConfig, Simulator};

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
}

fn sync_command(dir: &Path, sim: &Simulator, db: &str, since: NaiveDate) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_workiz-metrics"));
    command
        .current_dir(dir)
        .args(["--config", "workiz-metrics.toml", "--db", db, "sync", "--no-progress", "--since", &since.to_string()])
        .env("WORKIZ_API_BASE", sim.base_url())
        .env("WORKIZ_API_TOKEN", sim.token())
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

async fn killed_syncs_end_exact(db: &str, dir: &Path, account: &str) {
    std::fs::write(dir.join("workiz-metrics.toml"), format!("account = \"{account}\"\n[sync]\nrate_limit = 0\n"))
        .expect("config");
    let mut config = SimConfig::new(5, 150, last_day());
    config.rate_limit = None;
    config.latency = Duration::from_millis(15);
    let sim = Simulator::start_local(config).await.expect("sim");
    let since = last_day() - chrono::Duration::days(149);
    let mut kills = 0;
    for delay_ms in [120u64, 260, 400, 560, 700] {
        let mut child = sync_command(dir, &sim, db, since).spawn().expect("spawn");
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        if child.try_wait().expect("poll").is_none() {
            child.kill().expect("SIGKILL");
            kills += 1;
        }
        child.wait().expect("reaped");
    }
    assert!(kills >= 3, "the syncs were killed mid-run ({kills})");
    let status = sync_command(dir, &sim, db, since).status().expect("final sync");
    assert!(status.success(), "the final sync succeeds");

    let store = Store::connect(db).await.expect("store");
    let start = since.and_hms_opt(0, 0, 0).expect("time");
    let truth_jobs: HashMap<String, (String, i64, i64, String)> = sim.with_truth(|a| {
        a.jobs
            .iter()
            .filter(|j| j.list_time() >= start)
            .map(|j| {
                (j.uuid.clone(), (j.status.clone(), j.total_cents, j.paid_cents(), j.list_time().date().to_string()))
            })
            .collect()
    });
    let stored = store.jobs(account).await.expect("jobs");
    let stored_jobs: HashMap<String, (String, i64, i64, String)> = stored
        .iter()
        .map(|j| {
            let r = &j.row;
            (
                r.uuid.clone(),
                (
                    r.status.clone().unwrap_or_default(),
                    r.total_cents.unwrap_or(-1),
                    r.paid_cents.unwrap_or(-1),
                    r.day.clone().unwrap_or_default(),
                ),
            )
        })
        .collect();
    assert_eq!(stored.len(), stored_jobs.len());
    assert_eq!(stored_jobs, truth_jobs, "jobs equal the ground truth");
    let truth_leads: Vec<String> = sim.with_truth(|a| {
        let mut v: Vec<String> =
            a.leads.iter().filter(|l| l.list_time().is_some_and(|t| t >= start)).map(|l| l.uuid.clone()).collect();
        v.sort();
        v
    });
    let stored_leads: Vec<String> =
        store.leads(account).await.expect("leads").into_iter().map(|l| l.row.uuid).collect();
    assert_eq!(stored_leads, truth_leads, "leads equal the ground truth");
    let runs = store.runs(account, 100).await.expect("runs");
    assert!(runs.iter().any(|r| r.status == RunStatus::Interrupted), "killed runs are logged as interrupted");
    assert!(runs.iter().all(|r| r.status != RunStatus::Running));
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syncs_killed_at_any_moment_end_exact_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("kill.db").display());
    killed_syncs_end_exact(&db, dir.path(), "default").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syncs_killed_at_any_moment_end_exact_on_postgres() {
    let Ok(db) = std::env::var("WORKIZ_METRICS_TEST_PG") else {
        eprintln!("WORKIZ_METRICS_TEST_PG is not set: PostgreSQL part skipped");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    killed_syncs_end_exact(&db, dir.path(), &format!("kill-{nanos}")).await;
}

#[test]
fn a_missing_token_is_one_sentence_and_a_usage_exit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = Command::new(env!("CARGO_BIN_EXE_workiz-metrics"))
        .current_dir(dir.path())
        .args(["sync"])
        .env_remove("WORKIZ_API_TOKEN")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("WORKIZ_API_TOKEN is not set"), "{stderr}");
}

#[test]
fn an_unknown_config_key_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("workiz-metrics.toml"), "timezon = 'UTC'\n").expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_workiz-metrics"))
        .current_dir(dir.path())
        .args(["status"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("timezon"));
}
