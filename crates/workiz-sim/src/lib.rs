//! A faithful, deterministic simulator of the Workiz API.
//!
//! It answers the endpoints Workiz really serves (WORKIZ_API.md) from a generated account whose
//! shape follows a real one, and makes every uncertain behaviour a setting: the meaning of
//! `offset`, the list envelope, the rate limit, latency, injected faults and which of the seed's
//! extra paths answer. Tests use it in-process and read its ground truth; `workiz-metrics
//! simulate` serves it to any client.

mod account;
mod config;
pub mod export;
mod server;
mod webhooks;
pub mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

pub use account::{
    Account, AccountShape, JOB_STATUSES, JOB_TYPES, PAYMENT_METHODS, SOURCES, SimCall, SimClient, SimJob, SimLead,
    SimPayment, SimTeamMember, SimTeamRef, SimTimeOff,
};
pub use config::{EnvelopeStyle, Fault, FaultRates, OffsetMeaning, SimConfig, token_for_seed};
pub use rand::rngs::StdRng;
pub use server::SimStats;
pub use wire::WireStyle;

use server::SimState;

/// A running simulator. Dropping it stops the server.
pub struct Simulator {
    state: Arc<SimState>,
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Simulator {
    /// Generates the account and serves it on `bind` (port 0 picks a free port).
    pub async fn start(config: SimConfig, bind: SocketAddr) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(SimState::new(config));
        let app = server::router(state.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "simulator server stopped");
            }
        });
        Ok(Self { state, addr, task })
    }

    /// Starts on a free loopback port: the usual way in tests.
    pub async fn start_local(config: SimConfig) -> std::io::Result<Self> {
        Self::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base without the token, as a client's `api_base` setting.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    pub fn token(&self) -> &str {
        &self.state.config.token
    }

    pub fn secret(&self) -> &str {
        &self.state.config.secret
    }

    pub fn config(&self) -> &SimConfig {
        &self.state.config
    }

    /// A copy of the ground truth as it is now.
    pub fn truth(&self) -> Account {
        self.state.read().clone()
    }

    /// Reads the ground truth without copying it.
    pub fn with_truth<R>(&self, read: impl FnOnce(&Account) -> R) -> R {
        read(&self.state.read())
    }

    /// Changes the account (edit, add or delete records) as Workiz users would.
    pub fn mutate<R>(&self, change: impl FnOnce(&mut Account, &mut StdRng) -> R) -> R {
        self.state.mutate(change)
    }

    /// Makes the next requests fail with these faults, in order, before random faults apply.
    pub fn script_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.state.script.lock().unwrap_or_else(|e| e.into_inner()).extend(faults);
    }

    pub fn stats(&self) -> SimStats {
        self.state.stats()
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}
