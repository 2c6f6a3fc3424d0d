//! The HTTP side of workiz-metrics: the Workiz webhook receiver and the health check.

mod api;
mod auth;
mod dashboard;
mod metrics;
mod period;
mod webhooks;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use chrono_tz::Tz;
use store::Store;
use workiz::Client;

/// What the server needs. The webhook secret is redacted from `Debug`.
#[derive(Clone)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    pub account: String,
    pub timezone: Tz,
    /// The shared secret of `POST /hooks/workiz/{secret}`; without one the receiver answers 404.
    pub webhook_secret: Option<String>,
    /// Required as a bearer token on `/api/` when set.
    pub auth_token: Option<String>,
    pub report: metrics_engine::ReportSettings,
    /// What `POST /api/v1/sync/{resource}` runs; `None` turns the endpoint off. `serve` passes
    /// the scheduler's own syncer, so that a shutdown stops both alike.
    pub sync: Option<ingest::Syncer>,
}

impl std::fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSettings")
            .field("bind", &self.bind)
            .field("account", &self.account)
            .field("timezone", &self.timezone)
            .field("webhook_secret", &self.webhook_secret.as_ref().map(|_| "***"))
            .field("auth_token", &self.auth_token.as_ref().map(|_| "***"))
            .finish()
    }
}

#[derive(Debug)]
pub(crate) struct AppState {
    pub store: Store,
    pub client: Option<Client>,
    pub settings: ServerSettings,
    pub http: metrics::HttpMetrics,
    pub sign_ins: governor::DefaultDirectRateLimiter,
}

/// A bound, not yet running server.
#[derive(Debug)]
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    addr: SocketAddr,
}

impl Application {
    /// Binds `settings.bind` (port 0 picks a free port, as tests do).
    pub async fn build(settings: ServerSettings, store: Store, client: Option<Client>) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(settings.bind).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(AppState {
            store,
            client,
            settings,
            http: metrics::HttpMetrics::default(),
            sign_ins: auth::sign_in_limiter(),
        });
        let api = Router::new()
            .route("/report", get(api::report))
            .route("/jobs", get(api::jobs))
            .route("/sync/runs", get(api::sync_runs))
            .route("/sync/{resource}", post(api::sync_now))
            .route("/leads", get(api::leads))
            .route("/calls", get(api::calls))
            .route("/payments", get(api::payments))
            .route("/spend", get(api::spend).post(api::add_spend))
            .route("/openapi.json", get(api::openapi))
            .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::require_token));
        let pages = Router::new()
            .route("/", get(dashboard::dashboard))
            .route("/jobs", get(dashboard::jobs_page))
            .route("/leads", get(dashboard::leads_page))
            .route("/export/report.csv", get(dashboard::report_csv))
            .route("/export/jobs.csv", get(dashboard::jobs_csv))
            .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::require_login));
        let scrape = Router::new()
            .route("/metrics", get(metrics::render))
            .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::require_token));
        let router = Router::new()
            .merge(pages)
            .merge(scrape)
            .route("/assets/uplot.js", get(dashboard::uplot_js))
            .route("/assets/uplot.css", get(dashboard::uplot_css))
            .route("/login", get(auth::login_form).post(auth::login))
            .route("/healthz", get(webhooks::healthz))
            .route("/hooks/workiz/{secret}", post(webhooks::receive))
            .nest("/api/v1", api)
            .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::observe))
            .with_state(state);
        Ok(Self { listener, router, addr })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `shutdown` completes; requests under way are finished first.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown).await
    }
}
