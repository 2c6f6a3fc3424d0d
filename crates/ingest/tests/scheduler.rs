//! The scheduler under a paused clock: runs happen at the configured minutes, never overlap,
//! catch up once after downtime, and a failing task backs off without stopping the others.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use ingest::{Clock, LastRunFuture, Schedule, Task, TaskFuture, TaskRunner, run_schedule};

/// A run: its task, start and end.
type Run = (Task, DateTime<Utc>, DateTime<Utc>);

#[derive(Default)]
struct Recorder {
    runs: Mutex<Vec<Run>>,
    takes: HashMap<Task, Duration>,
    fails: Vec<Task>,
    last_runs: HashMap<Task, DateTime<Utc>>,
    clock: Mutex<Option<Clock>>,
}

impl TaskRunner for Recorder {
    fn run(&self, task: Task) -> TaskFuture<'_> {
        Box::pin(async move {
            let clock = self.clock.lock().expect("clock").expect("set");
            let start = clock.now();
            tokio::time::sleep(self.takes.get(&task).copied().unwrap_or(Duration::from_secs(20))).await;
            self.runs.lock().expect("runs").push((task, start, clock.now()));
            if self.fails.contains(&task) { Err("Workiz is down".to_owned()) } else { Ok(()) }
        })
    }

    fn last_run(&self, task: Task) -> LastRunFuture<'_> {
        let last = self.last_runs.get(&task).copied();
        Box::pin(async move { last })
    }
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("time")
}

/// Runs the schedule for `hours` of paused time from `start`, and returns each task's run starts
/// and ends.
async fn run_for(mut recorder: Recorder, start: &str, hours: u64) -> BTreeMap<Task, Vec<(String, String)>> {
    let clock = Clock::starting_at(at(start));
    // Every task ran just before the start unless the test says otherwise: nothing to catch up.
    for task in Task::ALL {
        recorder.last_runs.entry(task).or_insert_with(|| at(start));
    }
    *recorder.clock.lock().expect("clock") = Some(clock);
    let recorder = Arc::new(recorder);
    let schedule = Arc::new(Schedule::new(chrono_tz::UTC, &BTreeMap::new()).expect("schedule"));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let scheduler = tokio::spawn(run_schedule(schedule, recorder.clone(), clock, stopped));
    tokio::time::sleep(Duration::from_secs(hours * 3600)).await;
    stop.send(true).expect("stop");
    scheduler.await.expect("scheduler");
    let mut runs: BTreeMap<Task, Vec<(String, String)>> = BTreeMap::new();
    for (task, started, ended) in recorder.runs.lock().expect("runs").iter() {
        runs.entry(*task)
            .or_default()
            .push((started.format("%d %H:%M:%S").to_string(), ended.format("%d %H:%M:%S").to_string()));
    }
    runs
}

fn starts(runs: &[(String, String)]) -> Vec<&str> {
    runs.iter().map(|(s, _)| s.as_str()).collect()
}

#[tokio::test(start_paused = true)]
async fn runs_happen_at_the_configured_minutes() {
    let runs = run_for(Recorder::default(), "2026-11-30T09:58:30Z", 3).await;
    assert_eq!(starts(&runs[&Task::Jobs]), ["30 10:00:00", "30 11:00:00", "30 12:00:00"]);
    assert_eq!(starts(&runs[&Task::Leads]), ["30 10:05:00", "30 11:05:00", "30 12:05:00"]);
    assert_eq!(starts(&runs[&Task::Inbox]), ["30 12:20:00"]);
    assert!(!runs.contains_key(&Task::Deep), "the deep pass is at 02:30");
}

#[tokio::test(start_paused = true)]
async fn a_long_run_is_never_overlapped_by_the_next() {
    let recorder =
        Recorder { takes: HashMap::from([(Task::Jobs, Duration::from_secs(90 * 60))]), ..Recorder::default() };
    let runs = run_for(recorder, "2026-11-30T09:58:30Z", 5).await;
    let jobs = &runs[&Task::Jobs];
    assert_eq!(starts(jobs), ["30 10:00:00", "30 12:00:00", "30 14:00:00"]);
    for pair in jobs.windows(2) {
        assert!(pair[1].0 >= pair[0].1, "{pair:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn downtime_is_caught_up_once() {
    // The jobs task last ran three days ago: 72 runs were missed, one is made up at start.
    let recorder =
        Recorder { last_runs: HashMap::from([(Task::Jobs, at("2026-11-27T10:00:00Z"))]), ..Recorder::default() };
    let runs = run_for(recorder, "2026-11-30T09:58:30Z", 1).await;
    assert_eq!(starts(&runs[&Task::Jobs]), ["30 09:58:30", "30 10:00:00"]);
    // The deep pass last ran before today's 02:30: it too runs once at start.
    let recorder =
        Recorder { last_runs: HashMap::from([(Task::Deep, at("2026-11-29T02:30:05Z"))]), ..Recorder::default() };
    let runs = run_for(recorder, "2026-11-30T09:58:30Z", 1).await;
    assert_eq!(starts(&runs[&Task::Deep]), ["30 09:58:30"]);
}

#[tokio::test(start_paused = true)]
async fn a_failing_task_backs_off_and_the_others_go_on() {
    let recorder = Recorder { fails: vec![Task::Leads], ..Recorder::default() };
    let runs = run_for(recorder, "2026-11-30T09:58:30Z", 1).await;
    // Leads fail at 10:05 (ending 10:05:20), then retry after 2, 4, 8… minutes.
    assert_eq!(
        starts(&runs[&Task::Leads]),
        ["30 10:05:00", "30 10:07:20", "30 10:11:40", "30 10:20:00", "30 10:36:20"]
    );
    assert_eq!(starts(&runs[&Task::Jobs]), ["30 10:00:00"]);
}
