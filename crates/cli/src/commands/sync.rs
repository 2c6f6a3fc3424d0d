use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::anyhow;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use ingest::{Resource, SyncError, SyncObserver, SyncOptions, SyncSettings, Syncer};
use store::RunTotals;
use workiz::{Client, ClientConfig};

use crate::args::{GlobalArgs, SyncArgs};
use crate::exit::{BUSY, Failure, INTERRUPTED};
use crate::settings::Settings;

pub fn parse_resources(names: &[String]) -> Result<Vec<Resource>, Failure> {
    if names.is_empty() {
        return Ok(Resource::DEFAULT.to_vec());
    }
    names
        .iter()
        .map(|name| {
            Resource::parse(name).ok_or_else(|| {
                let known: Vec<&str> = Resource::ALL.iter().map(|r| r.name()).collect();
                Failure::usage(anyhow!("--resource '{name}' is not one of {}", known.join(", ")))
            })
        })
        .collect()
}

pub fn parse_date(flag: &str, text: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Failure::usage(anyhow!("{flag} '{text}' is not a date: use YYYY-MM-DD")))
}

/// The Workiz client the settings describe.
pub fn client(settings: &Settings) -> Result<Client, Failure> {
    let mut config = ClientConfig::new(settings.api_base.clone(), settings.require_token()?);
    if let Some(requests) = settings.sync.rate_limit {
        let window = Duration::from_secs(settings.sync.rate_window_secs.unwrap_or(60).max(1));
        config.rate_limit = (requests > 0).then_some((requests, window));
    }
    Client::new(config).map_err(Failure::usage)
}

pub fn sync_settings(settings: &Settings) -> SyncSettings {
    let mut sync = SyncSettings::new(settings.account.clone(), settings.timezone);
    let file = &settings.sync;
    sync.window_days = file.window_days.unwrap_or(sync.window_days);
    sync.deep_window_days = file.deep_window_days.unwrap_or(sync.deep_window_days);
    sync.clients_per_run = file.clients_per_run.unwrap_or(sync.clients_per_run);
    sync.client_refresh_days = file.client_refresh_days.unwrap_or(sync.client_refresh_days);
    sync
}

/// The first Ctrl-C stops the sync after the batch being written, so that the run log says where
/// it stopped; a second one quits at once (the next sync still finishes the work).
async fn stop_on_ctrl_c(stop: tokio::sync::watch::Sender<bool>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    eprintln!("stopping after the batch being written (Ctrl-C again to quit at once)");
    let _ = stop.send(true);
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(i32::from(INTERRUPTED));
    }
}

pub async fn run(global: &GlobalArgs, args: SyncArgs) -> Result<(), Failure> {
    let settings = Settings::load(global)?;
    let resources = parse_resources(&args.resources)?;
    let since = args.since.as_deref().map(|s| parse_date("--since", s)).transpose()?;
    let client = client(&settings)?;
    let store = super::open_store(&settings).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let syncer = Syncer::new(store.clone(), client, sync_settings(&settings)).stop_on(stopped);
    let options = SyncOptions { resources, since, full: args.full };
    let progress = Progress::new(!args.no_progress && std::io::stderr().is_terminal());
    let interrupt = tokio::spawn(stop_on_ctrl_c(stop));
    let result = syncer.run(&options, &progress).await;
    interrupt.abort();
    store.close().await;
    let outcomes = match result {
        Ok(outcomes) => outcomes,
        Err(e @ SyncError::Stopped) => return Err(Failure { code: INTERRUPTED, error: e.into() }),
        Err(e @ SyncError::AlreadyRunning { .. }) => return Err(Failure { code: BUSY, error: e.into() }),
        Err(SyncError::Workiz(e @ workiz::Error::Unauthorized { .. })) => return Err(Failure::usage(e)),
        Err(e) => return Err(Failure::failed(e)),
    };
    let mut out = std::io::stdout().lock();
    let write = |out: &mut std::io::StdoutLock<'_>, line: String| writeln!(out, "{line}").map_err(Failure::failed);
    write(
        &mut out,
        format!(
            "{:<10} {:>6} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8}  result",
            "resource", "pages", "seen", "new", "updated", "unchanged", "rejected", "deleted"
        ),
    )?;
    for o in &outcomes {
        let t = &o.totals;
        let result = o.error.as_deref().map_or("ok".to_owned(), |e| format!("failed: {e}"));
        write(
            &mut out,
            format!(
                "{:<10} {:>6} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8}  {result}",
                o.resource.name(),
                t.pages,
                t.seen,
                t.inserted,
                t.updated,
                t.unchanged,
                t.rejected,
                t.deleted
            ),
        )?;
    }
    let failed: Vec<&str> = outcomes.iter().filter(|o| o.error.is_some()).map(|o| o.resource.name()).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::failed(anyhow!(
            "the sync of {} failed; the run log (`workiz-metrics status`) has the details",
            failed.join(", ")
        )))
    }
}

/// A progress bar per resource on a terminal; nothing otherwise (logs carry the progress).
struct Progress {
    enabled: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress {
    fn new(enabled: bool) -> Self {
        Self { enabled, bar: Mutex::new(None) }
    }
}

impl SyncObserver for Progress {
    fn started(&self, resource: Resource, expected: Option<u64>) {
        if !self.enabled {
            return;
        }
        let bar = match expected {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::new_spinner(),
        };
        let template = if expected.is_some() {
            "{prefix:>10} [{bar:30}] {pos}/{len} {msg}"
        } else {
            "{prefix:>10} {spinner} {pos} records {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(resource.name());
        bar.enable_steady_tick(Duration::from_millis(120));
        // Clients start again once their count is known: the spinner gives way to the bar.
        if let Ok(mut slot) = self.bar.lock()
            && let Some(replaced) = slot.replace(bar)
        {
            replaced.finish_and_clear();
        }
    }

    fn progressed(&self, _resource: Resource, totals: &RunTotals, expected: Option<u64>) {
        if let Ok(slot) = self.bar.lock()
            && let Some(bar) = slot.as_ref()
        {
            if let Some(n) = expected {
                bar.set_length(n);
            }
            bar.set_position(totals.seen);
            bar.set_message(format!("{} new, {} updated", totals.inserted, totals.updated));
        }
    }

    fn finished(&self, _resource: Resource, _totals: &RunTotals, _error: Option<&str>) {
        if let Ok(mut slot) = self.bar.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish_and_clear();
        }
    }
}
