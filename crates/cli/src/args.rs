//! The raw command line, as clap parses it. Validation into settings happens in the commands.

use std::net::SocketAddr;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "workiz-metrics",
    version,
    about = "Workiz data kept locally and turned into the numbers the business runs by"
)]
pub struct Args {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, ClapArgs)]
pub struct GlobalArgs {
    /// More log output (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors in the log.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Log lines as text or as JSON objects.
    #[arg(long, global = true, value_enum, default_value = "text", env = "WORKIZ_METRICS_LOG_FORMAT")]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve a simulated Workiz API, for trying a client or a BI tool without an account.
    Simulate(SimulateArgs),
}

#[derive(Debug, ClapArgs)]
pub struct SimulateArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8099")]
    pub bind: SocketAddr,
    /// Seed of the generated account: the same seed gives the same account.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Days of history to generate.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
    /// The last day of generated history (YYYY-MM-DD); today by default.
    #[arg(long)]
    pub last_day: Option<String>,
    /// The token to accept instead of the one derived from the seed.
    #[arg(long, env = "WORKIZ_SIM_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Requests allowed per window, like Workiz's undocumented limit; 0 turns it off.
    #[arg(long, default_value_t = 30)]
    pub rate_limit: u32,
    /// The rate-limit window in seconds.
    #[arg(long, default_value_t = 60)]
    pub rate_window: u64,
    /// What `offset` counts.
    #[arg(long, value_enum, default_value = "records")]
    pub offset: OffsetArg,
    /// How list answers are wrapped.
    #[arg(long, value_enum, default_value = "wrapped")]
    pub envelope: EnvelopeArg,
    /// Write every record in the canonical shape instead of mixing the real API's variants.
    #[arg(long)]
    pub canonical: bool,
    /// Latency added to every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Injected faults as NAME=PROBABILITY pairs: 429, 500, 502, timeout, truncated, malformed,
    /// flag-false, duplicates, changes; or `chaos` for all of them at once.
    #[arg(long, value_delimiter = ',')]
    pub faults: Vec<String>,
    /// Seed-only paths that answer with data (payments, calls, invoices, clients, schedules,
    /// users, reports); the others say "Invalid end point".
    #[arg(long, value_delimiter = ',')]
    pub extra_endpoints: Vec<String>,
    /// Mean jobs per day.
    #[arg(long, default_value_t = 8.0)]
    pub jobs_per_day: f64,
    /// Mean leads per day.
    #[arg(long, default_value_t = 12.0)]
    pub leads_per_day: f64,
    /// Mean calls per day.
    #[arg(long, default_value_t = 160.0)]
    pub calls_per_day: f64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OffsetArg {
    Records,
    Pages,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EnvelopeArg {
    Wrapped,
    Found,
    Bare,
}
