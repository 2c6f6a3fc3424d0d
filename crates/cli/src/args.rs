//! The raw command line, as clap parses it. Validation into settings happens in the commands.

use std::net::SocketAddr;
use std::path::PathBuf;

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
    /// The settings file (default: workiz-metrics.toml in the current folder, if present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB [env: DATABASE_URL] [default: sqlite://workiz-metrics.db]
    #[arg(long, global = true, value_name = "URL")]
    pub db: Option<String>,
    /// Workiz API base URL, without the token [env: WORKIZ_API_BASE] [default: https://api.workiz.com/api/v1]
    #[arg(long, global = true, value_name = "URL")]
    pub api_base: Option<String>,
    /// The account's IANA time zone, for timestamps that carry a zone [env: WORKIZ_TIMEZONE] [default: UTC]
    #[arg(long, global = true, value_name = "ZONE")]
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One sync pass of the Workiz API into the database.
    Sync(SyncArgs),
    /// Last runs per resource, data freshness, row counts and rejected records.
    Status(StatusArgs),
    /// The metrics report of a period (METRICS.md): table, CSV or JSON.
    Report(ReportArgs),
    /// Load CSV files into the database.
    Import(ImportArgs),
    /// Receive Workiz webhooks, import the drop folder every 6 hours, answer /healthz.
    Serve(ServeArgs),
    /// A year of simulated Workiz data synced into workiz-demo.db, and its last 30 days' report.
    Demo(DemoArgs),
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

#[derive(Debug, ClapArgs)]
pub struct SyncArgs {
    /// Resources to sync: jobs, leads, team, time_off, clients [default: jobs, leads, team, time_off]
    #[arg(long = "resource", value_delimiter = ',', value_name = "R")]
    pub resources: Vec<String>,
    /// Re-read everything from this day (YYYY-MM-DD) and mark what vanished as deleted.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// A deep pass over the long window (sync.deep_window_days), marking what vanished as deleted.
    #[arg(long, conflicts_with = "since")]
    pub full: bool,
    /// Never draw a progress bar, even on a terminal.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, ClapArgs)]
pub struct StatusArgs {
    /// How many recent runs to list.
    #[arg(long, default_value_t = 10)]
    pub runs: i64,
}

#[derive(Debug, ClapArgs)]
pub struct ReportArgs {
    /// First day of the period (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub from: String,
    /// Last day of the period (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub to: String,
    /// Add a series by day, week (from Monday) or month.
    #[arg(long, value_name = "day|week|month")]
    pub by: Option<String>,
    /// Only this source (after aliases).
    #[arg(long)]
    pub source: Option<String>,
    /// Only this segment: COD, INS or OTHER.
    #[arg(long)]
    pub segment: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, ClapArgs)]
pub struct DemoArgs {
    /// Stop after the report instead of serving the dashboard.
    #[arg(long)]
    pub no_serve: bool,
    /// Where the dashboard is served.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: std::net::SocketAddr,
    /// Seed of the simulated account.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

#[derive(Debug, ClapArgs)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub kind: ImportKind,
}

#[derive(Debug, Subcommand)]
pub enum ImportKind {
    /// Marketing spend: CSV with the header source,date_from,date_to,amount[,campaign] (dates
    /// inclusive, amounts in dollars). Importing a row again changes nothing.
    Spend {
        /// The CSV files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Workiz's call-log export: From,"From number",To,"To number",Time,Flow,"Ad group",Answered,
    /// Job,"Job ID",Duration. Calls link to their job by the Job column's UUID, and to leads by
    /// the caller's number.
    Calls {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The export's year (its Time column has none); inferred from the weekdays if not given.
        #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
        year: Option<i32>,
    },
    /// Workiz's jobs export (Job #,Client,Tags,Job Type,Job Date,…). A job the API also knows is
    /// merged into its row: the API's fields win, the export fills what the API left empty.
    Jobs {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Workiz's leads export (Lead #,Status,Tags,Source,…), merged like jobs.
    Leads {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Payments: payment_id,job_uuid,paid_at,amount,method.
    Payments {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, ClapArgs)]
pub struct ServeArgs {
    /// Address to listen on. Workiz must reach it to deliver webhooks.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
}
