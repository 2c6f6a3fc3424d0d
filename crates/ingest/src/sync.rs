//! The API sync engine: one pass over the chosen resources, under a lease so that two syncs of
//! one account never run at once, with a run log row per resource.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use chrono_tz::Tz;
use futures::{Stream, StreamExt};
use store::{Lease, LeaseHeld, PreparedUpsert, Rejected, RunMode, RunTotals, Store, StoreError};
use workiz::{Client, ClientStats, Job, Lead, ListQuery, Lookup, Page, Record, RecordError};

use crate::convert::{client_row, job_row, lead_row, team_row, time_off_row};
use crate::events::{BatchStored, RecordsRejected, RunFinished};
use crate::lease::{holder_id, is_dead};

/// The most rows written in one batch (one transaction). A commit costs far more than a row on
/// SQLite, so batches grow up to this when the database falls behind the API.
const MAX_BATCH_ROWS: usize = 5_000;
/// Pages fetched and prepared ahead of the writer: enough to fill a batch, and a bound on memory (a
/// page of 100 jobs is a few hundred KiB once prepared).
const PAGES_AHEAD: usize = 64;

/// What can be synced from the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Jobs,
    Leads,
    Team,
    TimeOff,
    Clients,
}

impl Resource {
    pub const ALL: [Resource; 5] = [Self::Jobs, Self::Leads, Self::Team, Self::TimeOff, Self::Clients];
    /// The default pass: clients are their own, slower resource.
    pub const DEFAULT: [Resource; 4] = [Self::Jobs, Self::Leads, Self::Team, Self::TimeOff];

    pub fn name(self) -> &'static str {
        match self {
            Self::Jobs => "jobs",
            Self::Leads => "leads",
            Self::Team => "team",
            Self::TimeOff => "time_off",
            Self::Clients => "clients",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let normalized = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match normalized.as_str() {
            "timeoff" => Some(Self::TimeOff),
            other => Self::ALL.into_iter().find(|r| r.name() == other),
        }
    }
}

/// Settings of the sync engine.
#[derive(Debug, Clone)]
pub struct SyncSettings {
    pub account: String,
    pub timezone: Tz,
    /// Days the default pass re-reads.
    pub window_days: u32,
    /// Days a deep pass (`--full`) re-reads.
    pub deep_window_days: u32,
    /// Clients fetched at most per run, new ids first.
    pub clients_per_run: usize,
    /// A stored client older than this is refreshed when the run has room.
    pub client_refresh_days: u32,
    /// How long the sync lease lasts without renewal (a killed sync blocks no longer than this).
    pub lease_ttl: Duration,
    /// "Today" for the window; the account's current day when `None`.
    pub today: Option<NaiveDate>,
}

impl SyncSettings {
    pub fn new(account: impl Into<String>, timezone: Tz) -> Self {
        Self {
            account: account.into(),
            timezone,
            window_days: 30,
            deep_window_days: 730,
            clients_per_run: 200,
            client_refresh_days: 30,
            lease_ttl: Duration::from_secs(120),
            today: None,
        }
    }

    fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(|| chrono::Utc::now().with_timezone(&self.timezone).date_naive())
    }
}

/// One sync pass: which resources, and how far back.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub resources: Vec<Resource>,
    /// Re-read from this day, as a deep pass.
    pub since: Option<NaiveDate>,
    /// A deep pass over `deep_window_days`.
    pub full: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self { resources: Resource::DEFAULT.to_vec(), since: None, full: false }
    }
}

/// Progress callbacks, for a progress bar.
pub trait SyncObserver: Send + Sync {
    fn started(&self, _resource: Resource, _expected: Option<u64>) {}
    fn progressed(&self, _resource: Resource, _totals: &RunTotals, _expected: Option<u64>) {}
    fn finished(&self, _resource: Resource, _totals: &RunTotals, _error: Option<&str>) {}
}

impl SyncObserver for () {}

/// What a pass did, per resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOutcome {
    pub resource: Resource,
    pub totals: RunTotals,
    pub error: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "another sync of account '{account}' is running ({}, since {}); it holds the lock until {} unless it finishes first",
        held.holder, held.acquired_at, held.expires_at
    )]
    AlreadyRunning { account: String, held: LeaseHeld },
    #[error("the sync lock was lost (another process took it after it expired); stopping")]
    LeaseLost,
    #[error("the sync was asked to stop; what it wrote is kept and the next sync finishes the work")]
    Stopped,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Workiz(#[from] workiz::Error),
}

/// Runs sync passes for one account.
#[derive(Debug, Clone)]
pub struct Syncer {
    store: Store,
    client: Client,
    settings: SyncSettings,
    /// Set to `true` to stop a pass between batches (see [`Syncer::stop_on`]).
    stop: Option<tokio::sync::watch::Receiver<bool>>,
}

struct Run<'a> {
    syncer: &'a Syncer,
    /// Turns `true` when the heartbeat finds the lease taken by another sync.
    lease_lost: tokio::sync::watch::Receiver<bool>,
    resource: Resource,
    /// When the pass of this resource began (a stored timestamp).
    started_at: String,
    id: i64,
    totals: RunTotals,
    stats_at_start: ClientStats,
    saved_at: Instant,
}

impl Run<'_> {
    fn account(&self) -> &str {
        &self.syncer.settings.account
    }

    async fn store_rejected(&mut self, rejected: Vec<RecordError>) -> Result<(), SyncError> {
        if rejected.is_empty() {
            return Ok(());
        }
        RecordsRejected { resource: self.resource.name(), count: rejected.len(), first_reason: &rejected[0].reason }
            .emit();
        self.totals.rejected += rejected.len() as u64;
        let rows: Vec<Rejected> =
            rejected.into_iter().map(|r| Rejected { key: r.key, reason: r.reason, raw: r.raw }).collect();
        self.syncer.store.reject(self.account(), self.resource.name(), &rows).await?;
        Ok(())
    }

    /// Saves progress in the run log (about once a second, not per page), and ends the pass if
    /// the lease was lost.
    async fn checkpoint(&mut self) -> Result<(), SyncError> {
        if self.saved_at.elapsed() >= Duration::from_secs(1) {
            let stats = self.syncer.client.stats() - self.stats_at_start;
            self.totals.requests = stats.requests;
            self.totals.throttled = stats.throttled;
            self.syncer.store.update_run(self.id, &self.totals).await?;
            self.saved_at = Instant::now();
        }
        if *self.lease_lost.borrow() {
            return Err(SyncError::LeaseLost);
        }
        Ok(())
    }
}

fn split<T: Record>(records: Vec<Result<T, RecordError>>) -> (Vec<T>, Vec<RecordError>) {
    let mut ok = Vec::with_capacity(records.len());
    let mut rejected = Vec::new();
    for record in records {
        match record {
            Ok(r) => ok.push(r),
            Err(e) => rejected.push(e),
        }
    }
    (ok, rejected)
}

impl Syncer {
    pub fn new(store: Store, client: Client, settings: SyncSettings) -> Self {
        Self { store, client, settings, stop: None }
    }

    /// Stops passes when `stop` turns `true`: the batch being written is finished, the request
    /// under way (or its retries, which can last minutes while Workiz is down) is dropped, the
    /// run is logged as interrupted, and the pass ends with [`SyncError::Stopped`].
    pub fn stop_on(mut self, stop: tokio::sync::watch::Receiver<bool>) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Resolves once a stop is asked for; never without a stop signal, or once its sender is gone.
    async fn stop_requested(&self) {
        if let Some(mut stop) = self.stop.clone()
            && stop.wait_for(|stop| *stop).await.is_ok()
        {
            return;
        }
        std::future::pending().await
    }

    /// `work`, unless a stop is asked for first.
    async fn unless_stopped<T>(&self, work: impl Future<Output = T>) -> Result<T, SyncError> {
        tokio::select! {
            biased;
            output = work => Ok(output),
            () = self.stop_requested() => Err(SyncError::Stopped),
        }
    }

    /// One pass over `options.resources`. A resource that fails is logged as failed and the
    /// others still run, except when Workiz refuses the token, which no other resource survives.
    pub async fn run(&self, options: &SyncOptions, observer: &dyn SyncObserver) -> Result<Vec<SyncOutcome>, SyncError> {
        let account = &self.settings.account;
        // A pass that was waiting for its turn when the stop came never starts.
        if self.stop.as_ref().is_some_and(|stop| *stop.borrow()) {
            return Err(SyncError::Stopped);
        }
        let holder = holder_id();
        let lease = match self.store.acquire_lease(account, "sync", &holder, self.settings.lease_ttl, is_dead).await? {
            Ok(lease) => lease,
            Err(held) => return Err(SyncError::AlreadyRunning { account: account.clone(), held }),
        };
        // Whatever was "running" before we held the lease was cut short.
        let interrupted = self.store.mark_interrupted_runs(account).await?;
        if interrupted > 0 {
            tracing::warn!(runs = interrupted, "earlier sync runs were interrupted; this pass completes their work");
        }
        let (lost, lease_lost) = tokio::sync::watch::channel(false);
        let heartbeat = AbortOnDrop(tokio::spawn(keep_lease(self.store.clone(), lease.clone(), lost)));
        let mut result = self.run_resources(options, observer, &lease, &lease_lost).await;
        // Reports read the daily rollups: bring the days this pass touched up to date, also when
        // it was stopped part way.
        if matches!(result, Ok(_) | Err(SyncError::Stopped))
            && let Err(e) = self.store.refresh_rollups(account).await
        {
            result = Err(e.into());
        }
        drop(heartbeat);
        if let Err(e) = self.store.release_lease(&lease).await {
            tracing::warn!(error = %e, "could not release the sync lock; it expires by itself");
        }
        result
    }

    async fn run_resources(
        &self,
        options: &SyncOptions,
        observer: &dyn SyncObserver,
        lease: &Lease,
        lease_lost: &tokio::sync::watch::Receiver<bool>,
    ) -> Result<Vec<SyncOutcome>, SyncError> {
        let deep = options.full || options.since.is_some();
        let mode = if deep { RunMode::Deep } else { RunMode::Recent };
        let today = self.settings.today();
        let start = options.since.unwrap_or_else(|| {
            let days = if options.full { self.settings.deep_window_days } else { self.settings.window_days };
            today - chrono::Duration::days(i64::from(days))
        });
        let mut outcomes = Vec::new();
        let mut seen = HashSet::new();
        for resource in options.resources.iter().copied().filter(|r| seen.insert(*r)) {
            // Taken before the run is logged: whatever is written once the run shows as running was
            // written after it.
            let started_at = store::now_text();
            let id = self.store.start_run(&self.settings.account, resource.name(), mode, &lease.holder).await?;
            let mut run = Run {
                syncer: self,
                lease_lost: lease_lost.clone(),
                resource,
                started_at,
                id,
                totals: RunTotals::default(),
                stats_at_start: self.client.stats(),
                saved_at: Instant::now(),
            };
            observer.started(resource, None);
            let result = match resource {
                Resource::Jobs => self.sync_list::<Job>(&mut run, start, deep, observer).await,
                Resource::Leads => self.sync_list::<Lead>(&mut run, start, deep, observer).await,
                Resource::Team => self.sync_team(&mut run).await,
                Resource::TimeOff => self.sync_time_off(&mut run).await,
                Resource::Clients => self.sync_clients(&mut run, observer).await,
            };
            let stats = self.client.stats() - run.stats_at_start;
            run.totals.requests = stats.requests;
            run.totals.throttled = stats.throttled;
            let error = result.as_ref().err().map(|e| e.to_string());
            match &result {
                Err(stopped @ SyncError::Stopped) => {
                    self.store.interrupt_run(id, &run.totals, &stopped.to_string()).await?;
                }
                _ => self.store.finish_run(id, &run.totals, error.as_deref()).await?,
            }
            RunFinished { resource: resource.name(), totals: &run.totals, error: error.as_deref() }.emit();
            observer.finished(resource, &run.totals, error.as_deref());
            outcomes.push(SyncOutcome { resource, totals: run.totals, error });
            match result {
                Err(
                    e @ (SyncError::Workiz(workiz::Error::Unauthorized { .. })
                    | SyncError::LeaseLost
                    | SyncError::Stopped),
                ) => {
                    return Err(e);
                }
                Err(SyncError::Store(e)) => return Err(SyncError::Store(e)),
                _ => {}
            }
        }
        Ok(outcomes)
    }

    /// Jobs or leads from `start` on, a page per batch; a deep pass then marks as deleted the
    /// stored records of the window that the listing no longer shows (see
    /// [`store::Store::live_keys_between`] for which records a listing could have missed).
    async fn sync_list<T: Listed>(
        &self,
        run: &mut Run<'_>,
        start: NaiveDate,
        deep: bool,
        observer: &dyn SyncObserver,
    ) -> Result<(), SyncError> {
        let account = self.settings.account.clone();
        let tz = self.settings.timezone;
        let today = self.settings.today();
        let mut listed: HashSet<String> = HashSet::new();
        let mut expected = None;
        // Pages are fetched, decoded and turned into upsert statements while earlier ones are
        // stored (that work runs on the runtime's workers, the writes on the database's). Whatever has
        // arrived meanwhile is written together, up to `MAX_BATCH_ROWS`: a transaction per page
        // when the database keeps up, fewer and larger ones when it does not. The channel bounds
        // memory to `PAGES_AHEAD` pages.
        let (tx, mut rx) = tokio::sync::mpsc::channel(PAGES_AHEAD);
        let pages = T::pages(&self.client, ListQuery::since(start));
        let store = self.store.clone();
        let producer_account = account.clone();
        let _producer = AbortOnDrop(tokio::spawn(async move {
            let mut pages = std::pin::pin!(pages);
            while let Some(item) = pages.next().await {
                let item = item
                    .map_err(SyncError::from)
                    .and_then(|page| Converted::of(page, &store, &producer_account, tz, deep));
                let failed = item.is_err();
                if tx.send(item).await.is_err() || failed {
                    break;
                }
            }
        }));
        while let Some(first) = self.unless_stopped(rx.recv()).await? {
            let mut batch = first?;
            while batch.upsert.rows() < MAX_BATCH_ROWS as u64 {
                match rx.try_recv() {
                    Ok(page) => batch.absorb(page?),
                    Err(_) => break,
                }
            }
            expected = expected.or(batch.found);
            run.totals.pages += batch.pages;
            run.totals.seen += batch.upsert.rows() + batch.rejected.len() as u64;
            listed.extend(batch.keys);
            let counts = self.store.write_prepared(batch.upsert).await?;
            run.totals += counts;
            run.store_rejected(batch.rejected).await?;
            run.checkpoint().await?;
            BatchStored { resource: run.resource.name(), page: batch.last_page, totals: &run.totals }.emit();
            observer.progressed(run.resource, &run.totals, expected);
        }
        if deep {
            let table = run.resource.name();
            let (from, before) = (start.to_string(), today.to_string());
            let stored = self.store.live_keys_between(&account, table, &from, &before, &run.started_at).await?;
            self.mark_gone(run, table, stored, &listed).await?;
        }
        Ok(())
    }

    async fn sync_team(&self, run: &mut Run<'_>) -> Result<(), SyncError> {
        let (members, rejected) = split(self.unless_stopped(self.client.team()).await??);
        run.totals.pages = 1;
        run.totals.seen = (members.len() + rejected.len()) as u64;
        let rows: Vec<_> = members.iter().map(team_row).collect();
        let listed: HashSet<String> = rows.iter().map(|r| r.id.clone()).collect();
        let counts = self.store.upsert_team(&self.settings.account, rows).await?;
        run.totals += counts;
        // An account always has its owner: an empty list is a glitch, not a team that left.
        if !listed.is_empty() {
            self.mark_unlisted(run, "team_members", &listed, rejected.is_empty()).await?;
        }
        run.store_rejected(rejected).await
    }

    /// Marks deleted the live rows of a table that Workiz lists whole but whose latest list
    /// lacks them: a member removed, a time off cancelled or changed (its key holds its dates).
    /// Not when a record of the list could not be read, since it may be one of them.
    async fn mark_unlisted(
        &self,
        run: &mut Run<'_>,
        table: &str,
        listed: &HashSet<String>,
        whole: bool,
    ) -> Result<(), SyncError> {
        if !whole {
            tracing::warn!(resource = table, "a record could not be read: none is marked deleted this time");
            return Ok(());
        }
        let stored = self.store.live_keys(&self.settings.account, table).await?;
        self.mark_gone(run, table, stored, listed).await
    }

    /// Marks deleted the `stored` keys that the listing did not show, and counts them in the run.
    async fn mark_gone(
        &self,
        run: &mut Run<'_>,
        table: &str,
        stored: Vec<String>,
        listed: &HashSet<String>,
    ) -> Result<(), SyncError> {
        let gone: Vec<String> = stored.into_iter().filter(|k| !listed.contains(k)).collect();
        if !gone.is_empty() {
            run.totals.deleted = self.store.mark_deleted(&self.settings.account, table, &gone).await?;
            tracing::info!(resource = table, count = run.totals.deleted, "records gone from Workiz marked deleted");
        }
        Ok(())
    }

    async fn sync_time_off(&self, run: &mut Run<'_>) -> Result<(), SyncError> {
        let tz = self.settings.timezone;
        let (entries, rejected) = split(self.unless_stopped(self.client.time_off()).await??);
        run.totals.pages = 1;
        run.totals.seen = (entries.len() + rejected.len()) as u64;
        let rows: Vec<_> = entries.iter().map(|e| time_off_row(e, tz)).collect();
        let listed: HashSet<String> = rows.iter().map(|r| r.entry_key.clone()).collect();
        let counts = self.store.upsert_time_off(&self.settings.account, rows).await?;
        run.totals += counts;
        self.mark_unlisted(run, "time_off", &listed, rejected.is_empty()).await?;
        run.store_rejected(rejected).await
    }

    /// `Client/get` for client ids seen on jobs and leads: ids never fetched first, newest first,
    /// then the stalest stored ones, at most `clients_per_run` in all, so that a first sync of
    /// thousands of clients is spread over many runs instead of holding up jobs and leads.
    async fn sync_clients(&self, run: &mut Run<'_>, observer: &dyn SyncObserver) -> Result<(), SyncError> {
        let account = self.settings.account.clone();
        let cap = self.settings.clients_per_run as i64;
        let mut ids = self.store.missing_client_ids(&account, cap).await?;
        if (ids.len() as i64) < cap {
            let refresh_before =
                chrono::Utc::now() - chrono::Duration::days(i64::from(self.settings.client_refresh_days));
            let cutoff = store::timestamp_text(refresh_before);
            ids.extend(self.store.stalest_client_ids(&account, &cutoff, cap - ids.len() as i64).await?);
        }
        let expected = Some(ids.len() as u64);
        observer.started(run.resource, expected);
        for chunk in ids.chunks(25) {
            let mut rows = Vec::with_capacity(chunk.len());
            let mut rejected = Vec::new();
            for id in chunk {
                run.totals.seen += 1;
                match self.unless_stopped(self.client.client_record(id)).await?? {
                    Lookup::Found(client) => rows.push(client_row(&client)),
                    // Keep a stub, so that an id Workiz no longer knows is not asked for every run.
                    Lookup::Gone => rows.push(store::ClientRow {
                        id: id.clone(),
                        first_name: None,
                        last_name: None,
                        company: None,
                        email: None,
                        phone: None,
                        address: None,
                        city: None,
                        state: None,
                        zip: None,
                        source: None,
                        raw: serde_json::json!({"Id": id, "missing_in_workiz": true}).to_string(),
                    }),
                    Lookup::Rejected(e) => rejected.push(e),
                }
            }
            run.totals.pages += 1;
            let counts = self.store.upsert_clients(&account, rows).await?;
            run.totals += counts;
            run.store_rejected(rejected).await?;
            run.checkpoint().await?;
            observer.progressed(run.resource, &run.totals, expected);
        }
        Ok(())
    }
}

/// Pages turned into upsert statements, ready to be written together.
struct Converted {
    pages: u64,
    last_page: u32,
    found: Option<u64>,
    upsert: PreparedUpsert,
    rejected: Vec<RecordError>,
    /// The keys listed, kept only for a deep pass (which marks the others deleted).
    keys: Vec<String>,
}

impl Converted {
    fn of<T: Listed>(page: Page<T>, store: &Store, account: &str, tz: Tz, keep_keys: bool) -> Result<Self, SyncError> {
        let (records, rejected) = split(page.records);
        let mut keys = Vec::new();
        if keep_keys {
            keys.extend(records.iter().map(|r| r.key().to_owned()));
            keys.extend(rejected.iter().filter_map(|r| r.key.clone()));
        }
        let rows = records.into_iter().map(|r| r.row(tz)).collect();
        Ok(Self {
            pages: 1,
            last_page: page.number,
            found: page.found,
            upsert: T::prepare(store, account, rows)?,
            rejected,
            keys,
        })
    }

    fn absorb(&mut self, other: Self) {
        self.pages += other.pages;
        self.last_page = other.last_page;
        self.found = self.found.or(other.found);
        self.upsert.absorb(other.upsert);
        self.rejected.extend(other.rejected);
        self.keys.extend(other.keys);
    }
}

/// Renews the lease every quarter of its lifetime for as long as the pass runs, whatever the pass
/// is waiting for: one slow Workiz answer, retried, can outlast the lease, and a second sync must
/// not take it from a live one. Says the lease is lost when another sync holds it after all, or
/// when renewals have failed for most of its life.
async fn keep_lease(store: Store, lease: Lease, lost: tokio::sync::watch::Sender<bool>) {
    let mut every = tokio::time::interval(lease.ttl / 4);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick is at once, and the lease was just taken.
    every.tick().await;
    let mut renewed = Instant::now();
    loop {
        every.tick().await;
        match store.renew_lease(&lease).await {
            Ok(true) => renewed = Instant::now(),
            Ok(false) => break,
            // Unrenewed this long, the lease may be about to expire: another sync could take it.
            Err(e) if renewed.elapsed() >= lease.ttl * 3 / 4 => {
                tracing::warn!(error = %e, "could not renew the sync lock in time; the pass stops");
                break;
            }
            Err(e) => tracing::warn!(error = %e, "could not renew the sync lock; trying again"),
        }
    }
    let _ = lost.send(true);
}

/// Stops the page fetcher when the consumer stops early (an error, a lost lease).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A record type that the sync lists page by page and stores as rows.
trait Listed: Record {
    type Row: Send + 'static;

    fn pages(
        client: &Client,
        query: ListQuery,
    ) -> impl Stream<Item = Result<Page<Self>, workiz::Error>> + Send + 'static;

    fn row(self, tz: Tz) -> Self::Row;

    /// The rows as upsert statements, built on the fetching side while earlier pages are written.
    fn prepare(store: &Store, account: &str, rows: Vec<Self::Row>) -> Result<PreparedUpsert, StoreError>;
}

impl Listed for Job {
    type Row = store::JobRow;

    fn pages(
        client: &Client,
        query: ListQuery,
    ) -> impl Stream<Item = Result<Page<Self>, workiz::Error>> + Send + 'static {
        client.jobs(query)
    }

    fn row(self, tz: Tz) -> Self::Row {
        job_row(self, tz)
    }

    fn prepare(store: &Store, account: &str, rows: Vec<Self::Row>) -> Result<PreparedUpsert, StoreError> {
        store.prepare_jobs(account, rows)
    }
}

impl Listed for Lead {
    type Row = store::LeadRow;

    fn pages(
        client: &Client,
        query: ListQuery,
    ) -> impl Stream<Item = Result<Page<Self>, workiz::Error>> + Send + 'static {
        client.leads(query)
    }

    fn row(self, tz: Tz) -> Self::Row {
        lead_row(self, tz)
    }

    fn prepare(store: &Store, account: &str, rows: Vec<Self::Row>) -> Result<PreparedUpsert, StoreError> {
        store.prepare_leads(account, rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names_parse_back() {
        for r in Resource::ALL {
            assert_eq!(Resource::parse(r.name()), Some(r));
        }
        assert_eq!(Resource::parse("Time-Off"), Some(Resource::TimeOff));
        assert_eq!(Resource::parse("payments"), None);
    }

    #[tokio::test]
    async fn the_heartbeat_keeps_the_lease_and_gives_it_up_when_it_cannot_renew() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("l.db").display())).await.expect("store");
        let ttl = Duration::from_millis(200);
        let lease = store.acquire_lease("a", "sync", "me", ttl, |_| false).await.expect("store").expect("free");
        let (lost, mut lease_lost) = tokio::sync::watch::channel(false);
        let _heartbeat = AbortOnDrop(tokio::spawn(keep_lease(store.clone(), lease, lost)));
        // Three lifetimes later the lease is still held: another holder cannot take it.
        tokio::time::sleep(ttl * 3).await;
        assert!(!*lease_lost.borrow());
        let other = store.acquire_lease("a", "sync", "other", ttl, |_| false).await.expect("store");
        assert!(other.is_err(), "{other:?}");
        // With the database gone, renewals fail, and the pass is told (within the lease's life,
        // give or take a busy machine).
        store.close().await;
        let told = tokio::time::timeout(ttl * 5, lease_lost.wait_for(|lost| *lost)).await;
        assert!(told.is_ok_and(|changed| changed.is_ok()));
    }
}
