use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use crate::envelope::{self, BodyProblem, Envelope};
use crate::error::{Attempt, Error};
use crate::events::{AttemptFailed, Counters, RequestSent};
use crate::model::{ClientRecord, Job, Lead, Record, RecordError, TeamMember, TimeOff};
use crate::paging::{self, ListQuery, OffsetMode, Page};
use crate::token::ApiToken;
use crate::{EXTRA_ENDPOINTS, EndpointAvailability};
use backon::{BackoffBuilder, ExponentialBuilder};
use futures::Stream;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// The real API's base URL; the token is appended as the next path segment.
pub const DEFAULT_BASE_URL: &str = "https://api.workiz.com/api/v1";

/// How failed requests are retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// The least wait after a 429: Workiz sends no Retry-After, and practitioners pause 15–60 s.
    pub throttle_pause: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 6,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            throttle_pause: Duration::from_secs(15),
        }
    }
}

/// Everything a [`Client`] needs. The token is redacted from `Debug`.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Without the token, for example `https://api.workiz.com/api/v1`.
    pub base_url: String,
    pub token: ApiToken,
    /// At most this many requests per `rate_window`; `None` disables the limiter.
    pub rate_limit: Option<(u32, Duration)>,
    pub retry: RetryPolicy,
    /// Per request, including reading the body.
    pub timeout: Duration,
    /// `records` per page; Workiz's maximum is 100.
    pub page_size: u32,
    pub offset_mode: OffsetMode,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, token: ApiToken) -> Self {
        Self {
            base_url: base_url.into(),
            token,
            rate_limit: Some((30, Duration::from_secs(60))),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            page_size: 100,
            offset_mode: OffsetMode::Auto,
        }
    }
}

/// A snapshot of the client's counters, for the sync run log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    pub requests: u64,
    pub throttled: u64,
    pub retries: u64,
}

impl std::ops::Sub for ClientStats {
    type Output = Self;

    fn sub(self, earlier: Self) -> Self {
        Self {
            requests: self.requests - earlier.requests,
            throttled: self.throttled - earlier.throttled,
            retries: self.retries - earlier.retries,
        }
    }
}

/// The Workiz API client. Cheap to clone; clones share the rate limiter and counters, as they
/// share one token's budget. [`Client::with_own_counts`] makes a handle that shares the limiter
/// but counts its own requests.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    counters: Arc<Counters>,
}

struct Inner {
    http: reqwest::Client,
    config: ClientConfig,
    limiter: Option<DefaultDirectRateLimiter>,
    /// The offset meaning learned by the first listing in `Auto` mode.
    learned_offset: AtomicU8,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

/// A single-record lookup's outcome.
#[derive(Debug)]
pub enum Lookup<T> {
    Found(T),
    /// Workiz answered 204 or an empty `data`: the record was deleted.
    Gone,
    Rejected(RecordError),
}

/// The smooth request budget for "at most `requests` per `window`", as a governor quota. A burst
/// of `b` followed by one request every `window / (requests - b)` never puts more than `requests`
/// into any window, which a sliding-window limiter such as Workiz's demands.
fn quota(requests: u32, window: Duration) -> Result<Quota, Error> {
    let requests = requests.max(1);
    let burst = (requests / 6).max(1);
    // The steady-th replenishment lands exactly one window after the burst, outside it.
    let period = match requests - burst {
        0 => window,
        steady => window / steady,
    };
    let burst = NonZeroU32::new(burst).ok_or_else(|| Error::Config("rate limit burst is zero".into()))?;
    Quota::with_period(period)
        .map(|q| q.allow_burst(burst))
        .ok_or_else(|| Error::Config("the rate-limit window must be longer than zero".into()))
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        // reqwest is built without a bundled crypto provider; ring is the one the workspace uses.
        let _ = rustls::crypto::ring::default_provider().install_default();
        if config.page_size == 0 || config.page_size > 100 {
            return Err(Error::Config(format!("page size {} is outside 1..=100", config.page_size)));
        }
        let base = config.base_url.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::Config(format!("the API base URL '{base}' must start with http:// or https://")));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("workiz-metrics/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", e.without_url())))?;
        let limiter = match config.rate_limit {
            Some((requests, window)) => Some(RateLimiter::direct(quota(requests, window)?)),
            None => None,
        };
        let learned = config.offset_mode as u8;
        Ok(Self {
            inner: Arc::new(Inner { http, config, limiter, learned_offset: AtomicU8::new(learned) }),
            counters: Arc::default(),
        })
    }

    /// A handle on the same connection pool and rate budget whose requests are counted apart,
    /// so that one user's counts (a sync run's) do not include another's (webhook lookups).
    pub fn with_own_counts(&self) -> Self {
        Self { inner: Arc::clone(&self.inner), counters: Arc::default() }
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    pub fn stats(&self) -> ClientStats {
        let c = &self.counters;
        ClientStats {
            requests: c.requests.load(Ordering::Relaxed),
            throttled: c.throttled.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn offset_mode(&self) -> OffsetMode {
        OffsetMode::from_u8(self.inner.learned_offset.load(Ordering::Relaxed))
    }

    pub(crate) fn learn_offset_mode(&self, mode: OffsetMode) {
        self.inner.learned_offset.store(mode as u8, Ordering::Relaxed);
    }

    /// All jobs scheduled from `query.start_date` on, newest first, as a stream of pages.
    pub fn jobs(&self, query: ListQuery) -> impl Stream<Item = Result<Page<Job>, Error>> + Send + 'static {
        paging::pages(self.clone(), "job/all/", query)
    }

    /// All leads from `query.start_date` on, as a stream of pages.
    pub fn leads(&self, query: ListQuery) -> impl Stream<Item = Result<Page<Lead>, Error>> + Send + 'static {
        paging::pages(self.clone(), "lead/all/", query)
    }

    pub async fn job(&self, uuid: &str) -> Result<Lookup<Job>, Error> {
        self.lookup(&format!("job/get/{}/", path_segment(uuid)?)).await
    }

    pub async fn lead(&self, uuid: &str) -> Result<Lookup<Lead>, Error> {
        self.lookup(&format!("lead/get/{}/", path_segment(uuid)?)).await
    }

    pub async fn client_record(&self, id: &str) -> Result<Lookup<ClientRecord>, Error> {
        self.lookup(&format!("Client/get/{}/", path_segment(id)?)).await
    }

    pub async fn team_member(&self, id: &str) -> Result<Lookup<TeamMember>, Error> {
        self.lookup(&format!("team/get/{}/", path_segment(id)?)).await
    }

    /// The whole team (one answer, not paged).
    pub async fn team(&self) -> Result<Vec<Result<TeamMember, RecordError>>, Error> {
        let envelope = self.get_list("team/all/", &[]).await?;
        Ok(envelope.records.into_iter().map(TeamMember::decode_json).collect())
    }

    /// Every time-off entry of the account.
    pub async fn time_off(&self) -> Result<Vec<Result<TimeOff, RecordError>>, Error> {
        let envelope = self.get_list("TimeOff/get/", &[("all", "true".to_owned())]).await?;
        Ok(envelope.records.into_iter().map(TimeOff::decode_json).collect())
    }

    /// One user's time off.
    pub async fn time_off_of(&self, user_name: &str) -> Result<Vec<Result<TimeOff, RecordError>>, Error> {
        let path = format!("TimeOff/get/{}", path_segment(user_name)?);
        let envelope = self.get_list(&path, &[]).await?;
        Ok(envelope.records.into_iter().map(TimeOff::decode_json).collect())
    }

    /// Asks each of the seed document's extra list paths once. "Invalid end point" is reported as
    /// [`EndpointAvailability::NotOffered`]; only a real failure is an error.
    pub async fn probe_extra_endpoints(&self) -> Vec<(&'static str, Result<EndpointAvailability, Error>)> {
        let mut results = Vec::with_capacity(EXTRA_ENDPOINTS.len());
        for name in EXTRA_ENDPOINTS {
            let path = format!("{name}/");
            let outcome = match self.get_list(&path, &[("records", "1".to_owned())]).await {
                Ok(envelope) => Ok(EndpointAvailability::Offered { sample: envelope.records.len() }),
                Err(Error::NotOffered { .. }) => Ok(EndpointAvailability::NotOffered),
                Err(e) => Err(e),
            };
            results.push((name, outcome));
        }
        results
    }

    async fn lookup<T: Record>(&self, path: &str) -> Result<Lookup<T>, Error> {
        let single = match self.get(path, &[], envelope::parse_single).await {
            Ok(Some(single)) => single,
            // 204 for a deleted job; 404 for an id the account never had.
            Ok(None) | Err(Error::UnexpectedStatus { status: 404, .. }) => return Ok(Lookup::Gone),
            Err(e) => return Err(e),
        };
        Ok(match single {
            None => Lookup::Gone,
            Some(text) => match T::decode_json(text) {
                Ok(record) => Lookup::Found(record),
                Err(e) => Lookup::Rejected(e),
            },
        })
    }

    pub(crate) async fn get_list(&self, path: &str, query: &[(&str, String)]) -> Result<Envelope, Error> {
        let envelope = self.get(path, query, envelope::parse_envelope).await?;
        Ok(envelope.unwrap_or(Envelope { records: Vec::new(), has_more: Some(false), found: None }))
    }

    fn redact(&self, text: &str) -> String {
        self.inner.config.token.redact(text)
    }

    /// One GET with rate limiting and retries, its body read by `parse`. `None` for 204 No
    /// Content. The body is parsed inside the retry loop, once, so that a truncated answer is
    /// asked for again rather than handed on.
    async fn get<T>(
        &self,
        path: &str,
        query: &[(&str, String)],
        parse: fn(&[u8]) -> Result<T, BodyProblem>,
    ) -> Result<Option<T>, Error> {
        let endpoint = endpoint_name(path);
        let retry = &self.inner.config.retry;
        let mut backoff = ExponentialBuilder::default()
            .with_min_delay(retry.min_delay)
            .with_max_delay(retry.max_delay)
            .with_max_times(retry.max_retries as usize)
            .with_jitter()
            .build();
        let mut attempt_number = 0u32;
        loop {
            attempt_number += 1;
            let failure = match self.attempt(&endpoint, path, query, parse).await {
                Ok(body) => return Ok(body),
                Err(failure) => failure,
            };
            let throttled = matches!(failure, Attempt::Throttled);
            let next = if failure.retryable() { backoff.next() } else { None };
            let delay = next.map(|step| failure.delay(step, retry.throttle_pause));
            AttemptFailed {
                endpoint: &endpoint,
                attempt: attempt_number,
                reason: self.redact(&failure.describe()),
                throttled,
                retry_in: delay,
            }
            .emit(&self.counters);
            match delay {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return Err(failure.into_error(&endpoint, attempt_number)),
            }
        }
    }

    async fn attempt<T>(
        &self,
        endpoint: &str,
        path: &str,
        query: &[(&str, String)],
        parse: fn(&[u8]) -> Result<T, BodyProblem>,
    ) -> Result<Option<T>, Attempt> {
        if let Some(limiter) = &self.inner.limiter {
            limiter.until_ready().await;
        }
        let config = &self.inner.config;
        let url = format!("{}/{}/{}", config.base_url.trim_end_matches('/'), config.token.expose(), path);
        RequestSent { endpoint }.emit(&self.counters);
        let response = self.inner.http.get(&url).query(query).send().await.map_err(|e| self.transport(e))?;
        let status = response.status().as_u16();
        match status {
            401 | 403 => return Err(Attempt::Fatal(Error::Unauthorized { status })),
            429 => return Err(Attempt::Throttled),
            500..=599 => return Err(Attempt::Server(status)),
            204 => return Ok(None),
            _ => {}
        }
        let body =
            response.bytes().await.map_err(|e| Attempt::BrokenBody(self.redact(&e.without_url().to_string())))?;
        let success = (200..300).contains(&status);
        match parse(&body) {
            Ok(parsed) if success => Ok(Some(parsed)),
            Err(BodyProblem::InvalidEndpoint) => {
                Err(Attempt::Fatal(Error::NotOffered { endpoint: endpoint.to_owned() }))
            }
            Err(BodyProblem::Malformed(reason)) if success => Err(Attempt::BrokenBody(reason)),
            Err(BodyProblem::Refused(message)) if success => Err(Attempt::Refused(self.redact(&message))),
            Err(BodyProblem::Unexpected(reason)) if success => Err(Attempt::Fatal(Error::UnexpectedShape {
                endpoint: endpoint.to_owned(),
                reason: self.redact(&reason),
            })),
            _ => {
                let text = String::from_utf8_lossy(&body);
                let excerpt: String = self.redact(&text).chars().take(200).collect();
                Err(Attempt::Fatal(Error::UnexpectedStatus { endpoint: endpoint.to_owned(), status, excerpt }))
            }
        }
    }

    fn transport(&self, error: reqwest::Error) -> Attempt {
        let kind = if error.is_timeout() {
            "timed out"
        } else if error.is_connect() {
            "connection failed"
        } else if error.is_body() || error.is_decode() {
            "broken body"
        } else {
            "request failed"
        };
        // reqwest's messages include the URL, and with it the token.
        let detail = self.redact(&error.without_url().to_string());
        Attempt::Transport(format!("{kind}: {detail}"))
    }
}

/// The endpoint as it may appear in messages: the path without ids (`job/get`).
fn endpoint_name(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.len() > 2 {
        parts.truncate(2);
    }
    parts.join("/")
}

fn path_segment(value: &str) -> Result<&str, Error> {
    if value.is_empty() || value.contains(['/', '?', '#', '%']) {
        return Err(Error::Config(format!("'{value}' cannot be used as a Workiz id")));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client that asks as fast as the limiter lets it never puts more than `requests` into any
    /// window of the server's sliding limit.
    #[test]
    fn quota_never_exceeds_the_window() {
        use governor::clock::FakeRelativeClock;
        let window = Duration::from_secs(60);
        for requests in [1u32, 2, 5, 6, 7, 30, 100] {
            let clock = FakeRelativeClock::default();
            let limiter = RateLimiter::direct_with_clock(quota(requests, window).expect("quota"), clock.clone());
            let step = Duration::from_millis(50);
            let mut granted = Vec::new();
            let mut now = Duration::ZERO;
            while now < window * 4 {
                while limiter.check().is_ok() {
                    granted.push(now);
                }
                clock.advance(step);
                now += step;
            }
            for (i, first) in granted.iter().enumerate() {
                let in_window = granted[i..].iter().take_while(|t| **t < *first + window).count();
                assert!(in_window <= requests as usize, "{requests} per window: {in_window} from {first:?}");
            }
            // And it still uses at least half of its budget over time.
            assert!(granted.len() * 2 >= requests as usize * 4, "{requests}: {}", granted.len());
        }
        assert!(quota(30, Duration::ZERO).is_err());
    }

    #[test]
    fn endpoint_names_hide_ids() {
        assert_eq!(endpoint_name("job/get/CC6YKK/"), "job/get");
        assert_eq!(endpoint_name("job/all/"), "job/all");
    }
}
