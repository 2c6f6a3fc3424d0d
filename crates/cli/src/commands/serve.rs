use std::sync::Arc;

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use ingest::{
    Clock, LastRunFuture, Resource, Schedule, SyncOptions, Syncer, Task, TaskFuture, TaskRunner, run_schedule,
};
use secrecy::ExposeSecret;
use server::{Application, ServerSettings};
use store::{RunStatus, Store};

use crate::args::{GlobalArgs, ServeArgs};
use crate::exit::Failure;
use crate::settings::Settings;

/// A drop-folder file must have been left unchanged this long before it is imported: a file
/// still being copied in waits for the next pass.
const INBOX_SETTLED_FOR: std::time::Duration = std::time::Duration::from_secs(60);

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("stopping: finishing the requests under way");
}

pub async fn run(global: &GlobalArgs, args: ServeArgs) -> Result<(), Failure> {
    let settings = Settings::load(global)?;
    // Job and lead events are refreshed from the API.
    let client = super::sync::client(&settings)?;
    let store = super::open_store(&settings).await?;
    if settings.webhook_secret.is_none() {
        tracing::warn!("WORKIZ_WEBHOOK_SECRET is not set: the webhook receiver answers 404 to everything");
    }
    let auth_token = settings.auth_token.as_ref().map(|s| s.expose_secret().to_owned());
    // The API shows the business's numbers: open only to this machine.
    if !args.bind.ip().is_loopback() && auth_token.is_none() {
        return Err(Failure::usage(anyhow!(
            "serving on {} (not a loopback address) needs an access token: set WORKIZ_METRICS_AUTH_TOKEN, or bind 127.0.0.1",
            args.bind
        )));
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // One syncer for the scheduler and `POST /api/v1/sync`: a shutdown stops a sync between
    // batches instead of waiting out Workiz's retries, whoever started it.
    let syncer =
        Syncer::new(store.clone(), client.clone(), super::sync::sync_settings(&settings)).stop_on(stopped.clone());
    let server_settings = ServerSettings {
        bind: args.bind,
        account: settings.account.clone(),
        timezone: settings.timezone,
        webhook_secret: settings.webhook_secret.as_ref().map(|s| s.expose_secret().to_owned()),
        auth_token,
        report: super::report::report_settings(&settings),
        sync: Some(syncer.clone()),
    };
    // One client, so the webhook refreshes and the syncs share one rate budget for the token; its
    // own counts, so a sync run's logged requests are the sync's alone.
    let app = Application::build(server_settings, store.clone(), Some(client.with_own_counts()))
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))
        .map_err(Failure::failed)?;
    eprintln!(
        "serving on http://{} (GET /healthz, /api/v1/report, /api/v1/jobs, /api/v1/sync/runs; Workiz webhooks to POST /hooks/workiz/<WORKIZ_WEBHOOK_SECRET>)",
        app.addr()
    );
    if let Some(inbox) = &settings.inbox_dir
        && !inbox.is_dir()
    {
        return Err(Failure::usage(anyhow!("inbox_dir {} is not a folder", inbox.display())));
    }
    let schedule = Schedule::new(settings.timezone, &settings.schedule).map_err(|e| Failure::usage(anyhow!(e)))?;
    for task in Task::ALL {
        tracing::info!(task = task.name(), cron = schedule.pattern(task), "scheduled");
    }
    let runner = Arc::new(Runner {
        syncer,
        store: store.clone(),
        account: settings.account.clone(),
        timezone: settings.timezone,
        inbox: settings.inbox_dir.clone(),
        turn: tokio::sync::Mutex::new(()),
    });
    let scheduler =
        tokio::spawn(run_schedule(Arc::new(schedule), runner, Clock::starting_at(chrono::Utc::now()), stopped));
    let shutdown = async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    };
    app.run_until(shutdown).await.context("the server stopped").map_err(Failure::failed)?;
    // The sync under way stops after the batch it is writing; the scheduler then stops.
    let _ = scheduler.await;
    store.close().await;
    Ok(())
}

/// The scheduler's tasks, done for real: sync passes and the drop folder.
struct Runner {
    syncer: Syncer,
    store: Store,
    account: String,
    timezone: chrono_tz::Tz,
    inbox: Option<std::path::PathBuf>,
    /// Sync tasks of this process take turns (the sync lease would refuse the second one); the
    /// lease still keeps other processes out.
    turn: tokio::sync::Mutex<()>,
}

impl Runner {
    fn options(task: Task) -> Option<SyncOptions> {
        let (resources, full) = match task {
            Task::Jobs => (vec![Resource::Jobs], false),
            Task::Leads => (vec![Resource::Leads], false),
            Task::Team => (vec![Resource::Team, Resource::TimeOff], false),
            Task::Deep => (vec![Resource::Jobs, Resource::Leads], true),
            Task::Clients => (vec![Resource::Clients], false),
            Task::Inbox => return None,
        };
        Some(SyncOptions { resources, since: None, full })
    }
}

impl TaskRunner for Runner {
    fn run(&self, task: Task) -> TaskFuture<'_> {
        Box::pin(async move {
            match Self::options(task) {
                Some(options) => {
                    let _turn = self.turn.lock().await;
                    let outcomes = self.syncer.run(&options, &()).await.map_err(|e| e.to_string())?;
                    match outcomes.iter().find_map(|o| o.error.clone()) {
                        Some(error) => Err(error),
                        None => Ok(()),
                    }
                }
                None => {
                    let Some(inbox) = &self.inbox else { return Ok(()) };
                    let today = Utc::now().with_timezone(&self.timezone).date_naive();
                    let results = ingest::process_inbox(
                        &self.store,
                        &self.account,
                        inbox,
                        self.timezone,
                        today,
                        INBOX_SETTLED_FOR,
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                    tracing::info!(files = results.len(), "drop folder imported");
                    Ok(())
                }
            }
        })
    }

    fn last_run(&self, task: Task) -> LastRunFuture<'_> {
        Box::pin(async move {
            let (resource, mode) = match task {
                Task::Jobs => ("jobs", "recent"),
                Task::Leads => ("leads", "recent"),
                Task::Team => ("team", "recent"),
                Task::Deep => ("jobs", "deep"),
                Task::Clients => ("clients", "recent"),
                // The drop folder keeps no run log: look at it once at start.
                Task::Inbox => return None,
            };
            let runs = self.store.runs(&self.account, 500).await.ok()?;
            runs.into_iter()
                .filter(|r| r.resource == resource && r.mode == mode && r.status != RunStatus::Running)
                .find_map(|r| r.started_at.parse::<DateTime<Utc>>().ok())
        })
    }
}
