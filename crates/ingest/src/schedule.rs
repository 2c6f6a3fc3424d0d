//! The scheduler of `serve`: each task on its own cron expression, in the account's time zone.
//! A task never overlaps itself (the next occurrence is looked up after a run ends); a run missed
//! while the process was down runs once at start; a failing task retries with backoff and is
//! reported as failing, and the other tasks go on.
//!
//! Time is read from tokio's clock (anchored to the wall clock at start), so tests run the
//! schedule through days of paused time in milliseconds.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;

/// What the scheduler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Task {
    /// The recent window of jobs.
    Jobs,
    /// The recent window of leads.
    Leads,
    /// Team members and time off.
    Team,
    /// The long window, noticing edits and deletions.
    Deep,
    /// New and stale clients.
    Clients,
    /// The CSV drop folder (calls exports arrive this way).
    Inbox,
}

impl Task {
    pub const ALL: [Task; 6] = [Task::Jobs, Task::Leads, Task::Team, Task::Deep, Task::Clients, Task::Inbox];

    pub fn name(self) -> &'static str {
        match self {
            Self::Jobs => "jobs",
            Self::Leads => "leads",
            Self::Team => "team",
            Self::Deep => "deep",
            Self::Clients => "clients",
            Self::Inbox => "inbox",
        }
    }

    /// The seed's schedule: jobs hourly at :00, leads at :05, the drop folder every 6 hours, team
    /// and time off daily, a deep re-sync and new clients daily at night.
    pub fn default_cron(self) -> &'static str {
        match self {
            Self::Jobs => "0 * * * *",
            Self::Leads => "5 * * * *",
            Self::Team => "15 4 * * *",
            Self::Deep => "30 2 * * *",
            Self::Clients => "45 3 * * *",
            Self::Inbox => "20 */6 * * *",
        }
    }
}

/// Each task's cron expression, parsed.
#[derive(Debug, Clone)]
pub struct Schedule {
    entries: BTreeMap<Task, (String, Cron)>,
    tz: Tz,
}

impl Schedule {
    /// The default schedule with `overrides` (task name → cron expression) applied. An unknown
    /// task or an invalid expression is an error that names it.
    pub fn new(tz: Tz, overrides: &BTreeMap<String, String>) -> Result<Self, String> {
        let mut entries = BTreeMap::new();
        for task in Task::ALL {
            let pattern = overrides.get(task.name()).map_or(task.default_cron(), String::as_str).to_owned();
            let cron = Cron::from_str(&pattern)
                .map_err(|e| format!("schedule.{}: '{pattern}' is not a cron expression ({e})", task.name()))?;
            entries.insert(task, (pattern, cron));
        }
        if let Some(unknown) = overrides.keys().find(|k| !Task::ALL.iter().any(|t| t.name() == k.as_str())) {
            let known: Vec<&str> = Task::ALL.iter().map(|t| t.name()).collect();
            return Err(format!("schedule.{unknown} is not a task: use {}", known.join(", ")));
        }
        Ok(Self { entries, tz })
    }

    pub fn pattern(&self, task: Task) -> &str {
        self.entries.get(&task).map_or("", |(p, _)| p.as_str())
    }

    /// The first occurrence strictly after `after`.
    pub fn next_after(&self, task: Task, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (_, cron) = self.entries.get(&task)?;
        cron.find_next_occurrence(&after.with_timezone(&self.tz), false).ok().map(|t| t.with_timezone(&Utc))
    }

    /// The last occurrence at or before `at`.
    pub fn previous_at_or_before(&self, task: Task, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (_, cron) = self.entries.get(&task)?;
        cron.find_previous_occurrence(&at.with_timezone(&self.tz), true).ok().map(|t| t.with_timezone(&Utc))
    }
}

pub type TaskFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;
pub type LastRunFuture<'a> = Pin<Box<dyn Future<Output = Option<DateTime<Utc>>> + Send + 'a>>;

/// What the scheduler drives: the real one syncs and imports, tests record.
pub trait TaskRunner: Send + Sync + 'static {
    fn run(&self, task: Task) -> TaskFuture<'_>;
    /// When the task last started, to catch up a run missed while the process was down.
    fn last_run(&self, task: Task) -> LastRunFuture<'_>;
}

/// The wall clock, read through tokio's (pausable) clock.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    wall: DateTime<Utc>,
    instant: tokio::time::Instant,
}

impl Clock {
    pub fn starting_at(wall: DateTime<Utc>) -> Self {
        Self { wall, instant: tokio::time::Instant::now() }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.wall + chrono::Duration::from_std(self.instant.elapsed()).unwrap_or_else(|_| chrono::Duration::zero())
    }

    async fn sleep_until(&self, at: DateTime<Utc>) {
        if let Ok(wait) = (at - self.now()).to_std() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// Retries of a failing task: 1 min, 2, 4… at most 1 hour, but never later than its next
/// scheduled occurrence.
fn backoff(failures: u32) -> Duration {
    Duration::from_secs(60u64.saturating_mul(1 << failures.min(6)).min(3600))
}

/// Runs every task of `schedule` until `shutdown` turns `true`. A run under way is not cancelled
/// here: the runner sees the same signal and stops at its next safe point.
pub async fn run_schedule(
    schedule: Arc<Schedule>,
    runner: Arc<dyn TaskRunner>,
    clock: Clock,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut tasks = tokio::task::JoinSet::new();
    for task in Task::ALL {
        let (schedule, runner, mut shutdown) = (schedule.clone(), runner.clone(), shutdown.clone());
        tasks.spawn(async move {
            // A run missed while the process was down: once now, however many were missed.
            let now = clock.now();
            let missed = match (schedule.previous_at_or_before(task, now), runner.last_run(task).await) {
                (Some(due), Some(last)) => last < due,
                (Some(_), None) => true,
                (None, _) => false,
            };
            let mut next = if missed { Some(now) } else { schedule.next_after(task, now) };
            let mut failures = 0u32;
            while let Some(at) = next {
                tokio::select! {
                    () = clock.sleep_until(at) => {}
                    _ = shutdown.changed() => return,
                }
                let outcome = runner.run(task).await;
                // A run cut short by the shutdown is not a failure of the task.
                if *shutdown.borrow() {
                    return;
                }
                let ended = clock.now();
                let scheduled = schedule.next_after(task, ended);
                next = match outcome {
                    Ok(()) => {
                        failures = 0;
                        scheduled
                    }
                    Err(error) => {
                        failures += 1;
                        let retry = ended + chrono::Duration::from_std(backoff(failures)).unwrap_or_default();
                        tracing::error!(task = task.name(), failures, error, retry_at = %retry, "scheduled task failed");
                        scheduled.map(|s| s.min(retry))
                    }
                };
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_or_unknown_entries_are_named() {
        let tz = chrono_tz::UTC;
        let bad = BTreeMap::from([("jobs".to_owned(), "every hour".to_owned())]);
        assert!(Schedule::new(tz, &bad).is_err_and(|e| e.contains("schedule.jobs") && e.contains("every hour")));
        let unknown = BTreeMap::from([("payroll".to_owned(), "0 * * * *".to_owned())]);
        assert!(Schedule::new(tz, &unknown).is_err_and(|e| e.contains("schedule.payroll")));
        assert!(Schedule::new(tz, &BTreeMap::new()).is_ok());
    }

    #[test]
    fn occurrences_follow_the_account_time_zone() {
        let tz: Tz = "America/New_York".parse().expect("tz");
        let schedule = Schedule::new(tz, &BTreeMap::new()).expect("schedule");
        // 02:30 in New York on 2026-11-30 is 07:30 UTC.
        let after = "2026-11-30T05:00:00Z".parse::<DateTime<Utc>>().expect("time");
        let deep = schedule.next_after(Task::Deep, after).expect("next");
        assert_eq!(deep.to_rfc3339(), "2026-11-30T07:30:00+00:00");
        let leads = schedule.next_after(Task::Leads, after).expect("next");
        assert_eq!(leads.to_rfc3339(), "2026-11-30T05:05:00+00:00");
    }
}
