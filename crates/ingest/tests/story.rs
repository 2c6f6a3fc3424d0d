//! The sync story, on SQLite always and on PostgreSQL when `WORKIZ_METRICS_TEST_PG` holds its URL
//! (`.ci/run` sets it). Each test uses its own account id, so tests share one PostgreSQL database.

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDate;
use ingest::{Resource, SyncError, SyncOptions, SyncSettings, Syncer};
use store::{RunStatus, Store};
use workiz::{ApiToken, Client, ClientConfig, RetryPolicy};
use workiz_sim::{FaultRates, SimConfig, SimJob, SimLead, Simulator};

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
}

/// Every backend under test: a fresh SQLite file, and PostgreSQL when configured.
async fn backends() -> Vec<(tempfile::TempDir, Store)> {
    let mut stores = Vec::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("story.db").display());
    stores.push((dir, Store::connect(&url).await.expect("sqlite")));
    if let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") {
        let dir = tempfile::tempdir().expect("tempdir");
        stores.push((dir, Store::connect(&url).await.expect("postgres (WORKIZ_METRICS_TEST_PG)")));
    }
    stores
}

fn unique_account(test: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{test}-{nanos}")
}

fn sim_config(days: u32) -> SimConfig {
    let mut config = SimConfig::new(11, days, last_day());
    config.rate_limit = None;
    config
}

fn client(sim: &Simulator) -> Client {
    let mut config = ClientConfig::new(sim.base_url(), ApiToken::parse(sim.token()).expect("token"));
    config.rate_limit = None;
    config.timeout = Duration::from_millis(500);
    config.retry = RetryPolicy {
        max_retries: 10,
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(10),
        throttle_pause: Duration::from_millis(5),
    };
    Client::new(config).expect("client")
}

fn syncer(store: &Store, sim: &Simulator, account: &str) -> Syncer {
    let mut settings = SyncSettings::new(account, "America/New_York".parse().expect("tz"));
    settings.today = Some(last_day());
    Syncer::new(store.clone(), client(sim), settings)
}

fn since(days: i64) -> SyncOptions {
    SyncOptions {
        resources: vec![Resource::Jobs, Resource::Leads, Resource::Team, Resource::TimeOff],
        since: Some(last_day() - chrono::Duration::days(days)),
        full: false,
    }
}

fn time_text(t: Option<chrono::NaiveDateTime>) -> Option<String> {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
}

/// The store holds exactly the simulator's jobs and leads of the window, field by field.
async fn assert_store_equals_truth(store: &Store, account: &str, sim: &Simulator, from: NaiveDate) {
    let start = from.and_hms_opt(0, 0, 0).expect("time");
    let (jobs, leads): (Vec<SimJob>, Vec<SimLead>) = sim.with_truth(|a| {
        (
            a.jobs.iter().filter(|j| j.list_time() >= start).cloned().collect(),
            a.leads.iter().filter(|l| l.list_time().is_some_and(|t| t >= start)).cloned().collect(),
        )
    });
    let stored: HashMap<String, store::StoredJob> =
        store.jobs(account).await.expect("jobs").into_iter().map(|j| (j.row.uuid.clone(), j)).collect();
    let live = stored.values().filter(|j| j.deleted_at.is_none()).count();
    assert_eq!(live, jobs.len(), "live jobs in the store");
    for truth in &jobs {
        let job = &stored.get(&truth.uuid).unwrap_or_else(|| panic!("job {} missing", truth.uuid)).row;
        let uuid = &truth.uuid;
        assert_eq!(job.serial_id, Some(truth.serial_id.to_string()), "{uuid}");
        assert_eq!(job.status.as_deref(), Some(truth.status.as_str()), "{uuid}");
        assert_eq!(job.job_type.as_deref(), Some(truth.job_type.trim()), "{uuid}");
        assert_eq!(job.source, truth.source, "{uuid}");
        assert_eq!(job.scheduled_at, time_text(truth.scheduled), "{uuid}");
        assert_eq!(job.created_at, time_text(Some(truth.created)), "{uuid}");
        assert_eq!(job.day, Some(truth.list_time().date().to_string()), "{uuid}");
        assert_eq!(job.total_cents, Some(truth.total_cents), "{uuid}");
        assert_eq!(job.amount_due_cents, Some(truth.amount_due_cents), "{uuid}");
        assert_eq!(job.paid_cents, Some(truth.paid_cents()), "{uuid}");
        assert_eq!(job.client_id, Some(truth.client_id.to_string()), "{uuid}");
        let names: Vec<&str> = truth.team.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(job.team.as_deref().unwrap_or(""), names.join(", "), "{uuid}");
        for (key, value) in &truth.custom {
            assert!(job.raw.contains(key.as_str()) && job.raw.contains(value.as_str()), "{uuid} keeps {key}");
        }
    }
    let stored_leads: HashMap<String, store::StoredLead> =
        store.leads(account).await.expect("leads").into_iter().map(|l| (l.row.uuid.clone(), l)).collect();
    assert_eq!(stored_leads.values().filter(|l| l.deleted_at.is_none()).count(), leads.len(), "live leads");
    for truth in &leads {
        let lead = &stored_leads.get(&truth.uuid).unwrap_or_else(|| panic!("lead {} missing", truth.uuid)).row;
        assert_eq!(lead.status.as_deref(), Some(truth.status.as_str()), "{}", truth.uuid);
        assert_eq!(lead.source, truth.source, "{}", truth.uuid);
        assert_eq!(lead.lead_type.as_deref(), Some(truth.lead_type.as_str()));
        assert_eq!(lead.created_at, time_text(truth.created), "{}", truth.uuid);
        assert_eq!(lead.day, truth.created.or(truth.scheduled).map(|t| t.date().to_string()), "{}", truth.uuid);
        assert_eq!(lead.phone_digits, Some(truth.phone.chars().filter(char::is_ascii_digit).collect()));
    }
}

#[tokio::test]
async fn a_sync_under_every_fault_ends_equal_to_the_ground_truth() {
    for (_dir, store) in backends().await {
        let mut config = sim_config(120);
        config.faults = FaultRates { timeout: 0.01, ..FaultRates::chaos() };
        config.stall = Duration::from_secs(2);
        let sim = Simulator::start_local(config).await.expect("sim");
        let account = unique_account("chaos");
        let syncer = syncer(&store, &sim, &account);
        let options = since(119);
        let first = syncer.run(&options, &()).await.expect("first pass");
        assert!(first.iter().all(|o| o.error.is_none()), "{first:?}");
        assert!(sim.stats().faults > 0 && sim.stats().changes > 0, "{:?}", sim.stats());
        // Records changed behind pages already read are picked up by the next pass, as they would
        // be by the next scheduled run.
        let second = syncer.run(&options, &()).await.expect("second pass");
        assert!(second.iter().all(|o| o.error.is_none()), "{second:?}");
        assert_store_equals_truth(&store, &account, &sim, options.since.expect("since")).await;
        let runs = store.runs(&account, 20).await.expect("runs");
        assert_eq!(runs.len(), 8);
        assert!(runs.iter().all(|r| r.status == RunStatus::Ok));
        let jobs_runs: Vec<_> = runs.iter().filter(|r| r.resource == "jobs").collect();
        assert!(jobs_runs.iter().any(|r| r.totals.throttled > 0 || r.totals.requests > r.totals.pages));
        store.close().await;
    }
}

#[tokio::test]
async fn a_second_pass_changes_nothing_and_counts_it() {
    for (_dir, store) in backends().await {
        let sim = Simulator::start_local(sim_config(60)).await.expect("sim");
        let account = unique_account("idempotent");
        let syncer = syncer(&store, &sim, &account);
        let first = syncer.run(&since(59), &()).await.expect("first");
        let jobs = &first[0];
        assert_eq!(jobs.resource, Resource::Jobs);
        assert_eq!(jobs.totals.inserted, jobs.totals.seen);
        let second = syncer.run(&since(59), &()).await.expect("second");
        for outcome in &second {
            assert_eq!(outcome.totals.inserted + outcome.totals.updated, 0, "{outcome:?}");
            assert_eq!(outcome.totals.unchanged, outcome.totals.seen, "{outcome:?}");
        }
        // An edit in Workiz is one update.
        let uuid = sim.mutate(|a, _| {
            let last = a.jobs.len() - 1;
            let job = &mut a.jobs[last];
            job.status = "Canceled".into();
            job.uuid.clone()
        });
        let third = syncer.run(&since(59), &()).await.expect("third");
        assert_eq!(third[0].totals.updated, 1);
        let stored = store.jobs(&account).await.expect("jobs");
        assert_eq!(
            stored.iter().find(|j| j.row.uuid == uuid).and_then(|j| j.row.status.clone()).as_deref(),
            Some("Canceled")
        );
        assert_store_equals_truth(&store, &account, &sim, last_day() - chrono::Duration::days(59)).await;
        store.close().await;
    }
}

#[tokio::test]
async fn a_deep_pass_marks_vanished_records_deleted_and_keeps_them() {
    for (_dir, store) in backends().await {
        let sim = Simulator::start_local(sim_config(90)).await.expect("sim");
        let account = unique_account("deep");
        let syncer = syncer(&store, &sim, &account);
        syncer.run(&since(89), &()).await.expect("first");
        let gone = sim.with_truth(|a| a.jobs[10].uuid.clone());
        sim.mutate(|a, _| a.delete_job(&gone));
        // The default pass never deletes: a job missing from a short window is not proof.
        let recent = SyncOptions { resources: vec![Resource::Jobs], since: None, full: false };
        syncer.run(&recent, &()).await.expect("recent");
        assert!(store.jobs(&account).await.expect("jobs").iter().all(|j| j.deleted_at.is_none()));
        let deep = SyncOptions {
            resources: vec![Resource::Jobs],
            since: Some(last_day() - chrono::Duration::days(89)),
            full: false,
        };
        let outcome = syncer.run(&deep, &()).await.expect("deep");
        assert_eq!(outcome[0].totals.deleted, 1);
        let stored = store.jobs(&account).await.expect("jobs");
        let row = stored.iter().find(|j| j.row.uuid == gone).expect("the row is kept");
        assert!(row.deleted_at.is_some());
        assert_eq!(stored.iter().filter(|j| j.deleted_at.is_some()).count(), 1);
        store.close().await;
    }
}

/// Whether the account's jobs pass shows as running in the run log.
async fn jobs_pass_is_running(store: &Store, account: &str) -> bool {
    let runs = store.runs(account, 10).await.expect("runs");
    runs.iter().any(|r| r.resource == "jobs" && r.status == RunStatus::Running)
}

#[tokio::test]
async fn a_deep_pass_keeps_records_the_listing_could_not_show() {
    for (_dir, store) in backends().await {
        let mut config = sim_config(90);
        config.latency = Duration::from_millis(30);
        let sim = Simulator::start_local(config).await.expect("sim");
        let account = unique_account("deep-keeps");
        let syncer = syncer(&store, &sim, &account);
        syncer.run(&since(89), &()).await.expect("first");
        // Jobs that Workiz's listing does not show, stored as a webhook stores them: one of today
        // and one three days ahead (the listing stops at now).
        let template = store.jobs(&account).await.expect("jobs").remove(0).row;
        let job_of = |uuid: &str, day: NaiveDate| store::JobRow {
            uuid: uuid.to_owned(),
            day: Some(day.to_string()),
            scheduled_at: Some(format!("{day} 15:00:00")),
            raw: format!(r#"{{"UUID":"{uuid}"}}"#),
            ..template.clone()
        };
        // And one not scheduled at all, dated by its creation: a listing by scheduled time cannot
        // show it either.
        let unscheduled =
            store::JobRow { scheduled_at: None, ..job_of("UNSCHEDULED", last_day() - chrono::Duration::days(20)) };
        let ahead =
            vec![job_of("TODAY", last_day()), job_of("AHEAD", last_day() + chrono::Duration::days(3)), unscheduled];
        store.upsert_jobs(&account, ahead).await.expect("webhook jobs");
        let deep = SyncOptions {
            resources: vec![Resource::Jobs],
            since: Some(last_day() - chrono::Duration::days(89)),
            full: false,
        };
        let pass = tokio::spawn({
            let syncer = syncer.clone();
            let deep = deep.clone();
            async move { syncer.run(&deep, &()).await }
        });
        // And one that arrives while the pass runs, dated inside its window. (The pass takes a
        // second or so: every answer waits 30 ms.)
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !jobs_pass_is_running(&store, &account).await {
            assert!(!pass.is_finished() && std::time::Instant::now() < deadline, "the pass never showed as running");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let during = job_of("DURING", last_day() - chrono::Duration::days(10));
        store.upsert_jobs(&account, vec![during]).await.expect("webhook job during the pass");
        let outcome = pass.await.expect("join").expect("deep");
        assert_eq!(outcome[0].totals.deleted, 0, "nothing vanished from Workiz");
        let live = |jobs: &[store::StoredJob], uuid: &str| {
            jobs.iter().find(|j| j.row.uuid == uuid).is_some_and(|j| j.deleted_at.is_none())
        };
        let stored = store.jobs(&account).await.expect("jobs");
        assert!(["TODAY", "AHEAD", "UNSCHEDULED", "DURING"].iter().all(|u| live(&stored, u)), "none is deleted");
        // The next deep pass started after it was written, and Workiz does not list it: gone.
        let outcome = syncer.run(&deep, &()).await.expect("second deep");
        assert_eq!(outcome[0].totals.deleted, 1);
        let stored = store.jobs(&account).await.expect("jobs");
        assert!(!live(&stored, "DURING"));
        assert!(live(&stored, "TODAY") && live(&stored, "AHEAD") && live(&stored, "UNSCHEDULED"));
        store.close().await;
    }
}

#[tokio::test]
async fn a_deep_pass_takes_a_lead_for_vanished_only_when_both_its_dates_are_in_the_window() {
    for (_dir, store) in backends().await {
        let sim = Simulator::start_local(sim_config(30)).await.expect("sim");
        let account = unique_account("deep-leads");
        let syncer = syncer(&store, &sim, &account);
        let window = SyncOptions {
            resources: vec![Resource::Leads],
            since: Some(last_day() - chrono::Duration::days(29)),
            full: false,
        };
        syncer.run(&window, &()).await.expect("first");
        // Two leads Workiz does not list, created five days ago: one scheduled then too, one
        // scheduled before the window (a listing by schedule would never have shown it).
        let template = store.leads(&account).await.expect("leads").remove(0).row;
        let created = last_day() - chrono::Duration::days(5);
        let lead_of = |uuid: &str, scheduled: NaiveDate| store::LeadRow {
            uuid: uuid.to_owned(),
            day: Some(created.to_string()),
            created_at: Some(format!("{created} 09:00:00")),
            scheduled_at: Some(format!("{scheduled} 09:00:00")),
            raw: format!(r#"{{"UUID":"{uuid}"}}"#),
            ..template.clone()
        };
        let before_window = last_day() - chrono::Duration::days(40);
        let leads = vec![lead_of("INSIDE", created), lead_of("SCHEDULED-BEFORE", before_window)];
        store.upsert_leads(&account, leads).await.expect("leads");
        let outcome = syncer.run(&window, &()).await.expect("deep");
        assert_eq!(outcome[0].totals.deleted, 1);
        let stored = store.leads(&account).await.expect("leads");
        let deleted = |uuid: &str| stored.iter().find(|l| l.row.uuid == uuid).map(|l| l.deleted_at.is_some());
        assert_eq!((deleted("INSIDE"), deleted("SCHEDULED-BEFORE")), (Some(true), Some(false)));
        store.close().await;
    }
}

#[tokio::test]
async fn team_members_and_time_off_that_workiz_no_longer_lists_are_marked_deleted() {
    for (_dir, store) in backends().await {
        let sim = Simulator::start_local(sim_config(10)).await.expect("sim");
        let account = unique_account("team");
        let syncer = syncer(&store, &sim, &account);
        let both = SyncOptions { resources: vec![Resource::Team, Resource::TimeOff], since: None, full: false };
        syncer.run(&both, &()).await.expect("first");
        let members = sim.with_truth(|a| a.team.len());
        let entries = sim.with_truth(|a| a.time_off.len());
        assert!(members >= 2 && entries >= 1, "{members} members, {entries} time off");
        assert_eq!(store.live_keys(&account, "team_members").await.expect("team").len(), members);
        // A member leaves, and a time off is moved by a day (a new entry: its key holds its dates).
        sim.mutate(|a, _| {
            a.team.pop();
            a.time_off[0].end += chrono::Duration::days(1);
        });
        let outcome = syncer.run(&both, &()).await.expect("second");
        let deleted: Vec<u64> = outcome.iter().map(|o| o.totals.deleted).collect();
        assert_eq!(deleted, vec![1, 1], "{outcome:?}");
        let mut live = store.live_keys(&account, "team_members").await.expect("team");
        live.sort();
        let mut ids: Vec<String> = sim.with_truth(|a| a.team.iter().map(|m| m.id.to_string()).collect());
        ids.sort();
        assert_eq!(live, ids);
        assert_eq!(store.live_keys(&account, "time_off").await.expect("time off").len(), entries);
        assert_eq!(store.row_count(&account, "time_off").await.expect("rows"), entries as i64 + 1, "kept");
        store.close().await;
    }
}

#[tokio::test]
async fn an_unreadable_record_is_kept_aside_and_the_rest_is_stored() {
    for (_dir, store) in backends().await {
        let sim = Simulator::start_local(sim_config(30)).await.expect("sim");
        let account = unique_account("rejected");
        let broken = sim.with_truth(|a| a.jobs[a.jobs.len() - 3].uuid.clone());
        sim.mutate(|a, _| {
            if let Some(job) = a.job_mut(&broken) {
                job.wire_overrides.push(("JobDateTime".into(), serde_json::json!("next tuesday")));
            }
        });
        let syncer = syncer(&store, &sim, &account);
        let outcome = syncer.run(&since(29), &()).await.expect("sync");
        assert_eq!(outcome[0].totals.rejected, 1);
        assert!(outcome[0].error.is_none());
        let rejected = store.rejected(&account, "jobs").await.expect("rejected");
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].key.as_deref(), Some(broken.as_str()));
        assert!(rejected[0].reason.contains("JobDateTime") && rejected[0].raw.contains("next tuesday"));
        let stored = store.jobs(&account).await.expect("jobs");
        let expected = sim.with_truth(|a| {
            let start = (last_day() - chrono::Duration::days(29)).and_hms_opt(0, 0, 0).expect("t");
            a.jobs.iter().filter(|j| j.list_time() >= start).count()
        });
        assert_eq!(stored.len(), expected - 1);
        // Seen again, it is counted again but stored once.
        syncer.run(&since(29), &()).await.expect("again");
        assert_eq!(store.rejected(&account, "jobs").await.expect("rejected").len(), 1);
        store.close().await;
    }
}

#[tokio::test]
async fn a_stop_ends_the_pass_at_once_even_while_workiz_does_not_answer() {
    for (_dir, store) in backends().await {
        let mut config = sim_config(30);
        // Every answer takes a minute: without the stop, the pass would wait for it.
        config.latency = Duration::from_secs(60);
        let sim = Simulator::start_local(config).await.expect("sim");
        let account = unique_account("stop");
        let mut settings = SyncSettings::new(&account, "America/New_York".parse().expect("tz"));
        settings.today = Some(last_day());
        let mut slow = ClientConfig::new(sim.base_url(), ApiToken::parse(sim.token()).expect("token"));
        slow.rate_limit = None;
        slow.timeout = Duration::from_secs(120);
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let syncer = Syncer::new(store.clone(), Client::new(slow).expect("client"), settings).stop_on(stopped);
        let started = std::time::Instant::now();
        let pass = tokio::spawn(async move { syncer.run(&since(29), &()).await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.send(true).expect("stop");
        let result = tokio::time::timeout(Duration::from_secs(10), pass).await.expect("stops promptly").expect("join");
        assert!(matches!(result, Err(SyncError::Stopped)), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
        // The run says it was interrupted, and the resources after it never started.
        let runs = store.runs(&account, 10).await.expect("runs");
        assert_eq!(runs.len(), 1, "{runs:?}");
        assert_eq!((runs[0].resource.as_str(), runs[0].status), ("jobs", RunStatus::Interrupted));
        assert!(runs[0].error.as_deref().is_some_and(|e| e.contains("asked to stop")), "{:?}", runs[0].error);
        store.close().await;
    }
}

#[tokio::test]
async fn a_pass_stopped_part_way_keeps_whole_batches_and_the_next_one_finishes() {
    for (_dir, store) in backends().await {
        let mut config = sim_config(90);
        config.latency = Duration::from_millis(20);
        let sim = Simulator::start_local(config).await.expect("sim");
        let account = unique_account("stop-part-way");
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let stopping = syncer(&store, &sim, &account).stop_on(stopped);
        let pass = tokio::spawn(async move { stopping.run(&since(89), &()).await });
        // Stop once some jobs are stored.
        while store.row_count(&account, "jobs").await.expect("count") == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        stop.send(true).expect("stop");
        let result = pass.await.expect("join");
        assert!(matches!(result, Err(SyncError::Stopped)), "{result:?}");
        let runs = store.runs(&account, 10).await.expect("runs");
        assert_eq!(runs[0].status, RunStatus::Interrupted);
        // The run log counts exactly what was stored.
        let stored = store.row_count(&account, "jobs").await.expect("count");
        assert_eq!(runs[0].totals.inserted as i64, stored);
        let total = sim.with_truth(|a| a.jobs.len()) as i64;
        assert!(stored < total, "stopped before the end: {stored} of {total}");
        let outcome = syncer(&store, &sim, &account).run(&since(89), &()).await.expect("next pass");
        assert!(outcome.iter().all(|o| o.error.is_none()), "{outcome:?}");
        assert_store_equals_truth(&store, &account, &sim, last_day() - chrono::Duration::days(89)).await;
        store.close().await;
    }
}

#[tokio::test]
async fn two_syncs_at_once_do_not_both_run() {
    for (_dir, store) in backends().await {
        let mut config = sim_config(60);
        config.latency = Duration::from_millis(20);
        let sim = Simulator::start_local(config).await.expect("sim");
        let account = unique_account("concurrent");
        let a = syncer(&store, &sim, &account);
        let b = syncer(&store, &sim, &account);
        let options = since(59);
        let (ra, rb) = tokio::join!(a.run(&options, &()), b.run(&options, &()));
        let (ok, refused): (Vec<_>, Vec<_>) = [ra, rb].into_iter().partition(Result::is_ok);
        assert_eq!(ok.len(), 1, "exactly one runs");
        let message = refused.into_iter().next().and_then(Result::err).map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("another sync"), "{message}");
        // Once it is done, the lease is free again.
        a.run(&options, &()).await.expect("after");
        assert_store_equals_truth(&store, &account, &sim, last_day() - chrono::Duration::days(59)).await;
        store.close().await;
    }
}

#[tokio::test]
async fn a_sync_waiting_on_a_slow_answer_keeps_its_lease() {
    for (_dir, store) in backends().await {
        // Every answer takes longer than the lease lasts without renewal.
        let mut config = sim_config(30);
        config.latency = Duration::from_millis(800);
        let sim = Simulator::start_local(config).await.expect("sim");
        let account = unique_account("slow-lease");
        let short_lease = |store: &Store| {
            let mut settings = SyncSettings::new(account.clone(), "America/New_York".parse().expect("tz"));
            settings.today = Some(last_day());
            settings.lease_ttl = Duration::from_millis(200);
            let mut client_config = ClientConfig::new(sim.base_url(), ApiToken::parse(sim.token()).expect("token"));
            client_config.rate_limit = None;
            Syncer::new(store.clone(), Client::new(client_config).expect("client"), settings)
        };
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let first = short_lease(&store).stop_on(stopped);
        let pass = tokio::spawn(async move { first.run(&since(29), &()).await });
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !jobs_pass_is_running(&store, &account).await {
            assert!(std::time::Instant::now() < deadline, "the first pass never started");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Twice the lease's life later, the first pass is still inside one answer.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let second = short_lease(&store).run(&since(29), &()).await;
        assert!(matches!(second, Err(SyncError::AlreadyRunning { .. })), "{second:?}");
        stop.send(true).expect("stop");
        let first = pass.await.expect("join");
        assert!(matches!(first, Err(SyncError::Stopped)), "{first:?}");
        store.close().await;
    }
}

#[tokio::test]
async fn clients_are_fetched_new_first_and_capped_per_run() {
    for (_dir, store) in backends().await {
        let sim = Simulator::start_local(sim_config(30)).await.expect("sim");
        let account = unique_account("clients");
        let mut s = SyncSettings::new(&account, "UTC".parse().expect("tz"));
        s.today = Some(last_day());
        s.clients_per_run = 40;
        let syncer = Syncer::new(store.clone(), client(&sim), s);
        syncer.run(&since(29), &()).await.expect("jobs and leads");
        let referenced = store.missing_client_ids(&account, 10_000).await.expect("ids").len() as u64;
        assert!(referenced > 80, "{referenced}");
        let clients = SyncOptions { resources: vec![Resource::Clients], since: None, full: false };
        let mut fetched = 0;
        while fetched < referenced {
            let outcome = syncer.run(&clients, &()).await.expect("clients");
            assert!(outcome[0].totals.seen <= 40);
            assert_eq!(outcome[0].totals.inserted, outcome[0].totals.seen, "only new ids while some are missing");
            fetched += outcome[0].totals.inserted;
        }
        assert_eq!(store.row_count(&account, "clients").await.expect("count") as u64, referenced);
        assert!(store.missing_client_ids(&account, 10).await.expect("ids").is_empty());
        store.close().await;
    }
}

#[tokio::test]
async fn a_refused_token_stops_the_pass_with_one_clear_error() {
    for (_dir, store) in backends().await {
        let sim = Simulator::start_local(sim_config(5)).await.expect("sim");
        let account = unique_account("auth");
        let mut config = ClientConfig::new(sim.base_url(), ApiToken::parse("api_wrong").expect("token"));
        config.rate_limit = None;
        let syncer = Syncer::new(
            store.clone(),
            Client::new(config).expect("client"),
            SyncSettings::new(&account, chrono_tz::UTC),
        );
        let err = syncer.run(&SyncOptions::default(), &()).await.expect_err("refused");
        assert!(matches!(err, SyncError::Workiz(workiz::Error::Unauthorized { .. })), "{err}");
        assert!(err.to_string().contains("WORKIZ_API_TOKEN"));
        let runs = store.runs(&account, 10).await.expect("runs");
        assert_eq!(runs.len(), 1, "no other resource was tried");
        assert_eq!(runs[0].status, RunStatus::Failed);
        store.close().await;
    }
}
