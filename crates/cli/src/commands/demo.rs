use std::io::Write;

use anyhow::Context;
use chrono::Datelike;
use ingest::{Resource, SyncOptions, Syncer};
use store::SpendRow;
use workiz::{ApiToken, Client, ClientConfig};
use workiz_sim::{SimConfig, Simulator};

use crate::args::{DemoArgs, GlobalArgs};
use crate::exit::Failure;
use crate::settings::Settings;

const DEMO_DB: &str = "sqlite://workiz-demo.db";

/// Monthly budgets per paid source, in dollars.
const DEMO_BUDGETS: [(&str, i64); 7] = [
    ("eLocals", 3200),
    ("Rely", 1800),
    ("Pro Referral", 1500),
    ("Google", 1200),
    ("NSA", 600),
    ("Liberty", 500),
    ("Thumbtack", 150),
];

/// A private folder for the demo's export files.
fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("workiz-metrics-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

pub async fn run(global: &GlobalArgs, args: DemoArgs) -> Result<(), Failure> {
    let mut settings = Settings::load(global)?;
    if global.db.is_none() {
        settings.database_url = DEMO_DB.to_owned();
    }
    let today = chrono::Utc::now().with_timezone(&settings.timezone).date_naive();
    let mut sim_config = SimConfig::new(args.seed, 365, today);
    // The demo's simulator answers as fast as it can: a year of data in seconds.
    sim_config.rate_limit = None;
    let sim =
        Simulator::start_local(sim_config).await.context("cannot start the simulator").map_err(Failure::failed)?;
    eprintln!("simulated Workiz account at {} (365 days up to {today})", sim.base_url());

    let token = ApiToken::parse(sim.token()).map_err(Failure::failed)?;
    let mut client_config = ClientConfig::new(sim.base_url(), token);
    client_config.rate_limit = None;
    let client = Client::new(client_config).map_err(Failure::failed)?;
    let store = super::open_store(&settings).await?;
    let syncer = Syncer::new(store.clone(), client.clone(), super::sync::sync_settings(&settings));
    let since = today - chrono::Duration::days(364);
    let options = SyncOptions { resources: Resource::DEFAULT.to_vec(), since: Some(since), full: false };
    let started = std::time::Instant::now();
    let outcomes = syncer.run(&options, &()).await.context("the demo sync failed").map_err(Failure::failed)?;
    for o in &outcomes {
        eprintln!(
            "synced {:<9} {:>6} records ({} new, {} updated)",
            o.resource.name(),
            o.totals.seen,
            o.totals.inserted,
            o.totals.updated
        );
    }
    eprintln!("sync took {:.1} s into {}", started.elapsed().as_secs_f64(), store.url());

    let mut spend = Vec::new();
    let mut month = since.with_day0(0).unwrap_or(since);
    while month <= today {
        let next = month.checked_add_months(chrono::Months::new(1)).unwrap_or(today);
        let last = next.pred_opt().unwrap_or(next);
        for (source, dollars) in DEMO_BUDGETS {
            spend.push(SpendRow {
                source: source.to_owned(),
                date_from: month.to_string(),
                date_to: last.to_string(),
                campaign: "demo".to_owned(),
                amount_cents: dollars * 100,
                raw: format!("{source},{month},{last},{dollars},demo"),
            });
        }
        month = next;
    }
    store.upsert_spend(&settings.account, spend).await.map_err(Failure::failed)?;

    // Calls and payments are not in the API: a real account exports them from Workiz as CSV, and
    // so does the demo's simulated one.
    let exports = tempfile_dir().map_err(Failure::failed)?;
    let (calls, payments) = sim.with_truth(|a| (a.calls_export(since, today), a.payments_export(since, today)));
    let calls_path = exports.join("calls.csv");
    let payments_path = exports.join("payments.csv");
    std::fs::write(&calls_path, calls)
        .and_then(|()| std::fs::write(&payments_path, payments))
        .map_err(Failure::failed)?;
    let calls = ingest::import_calls(&store, &settings.account, &calls_path, None, today).await;
    let payments = ingest::import_payments(&store, &settings.account, &payments_path, settings.timezone).await;
    let _ = std::fs::remove_dir_all(&exports);
    for import in [calls, payments] {
        let import = import.map_err(Failure::failed)?;
        eprintln!(
            "imported {} rows ({} kept aside) from the simulated Workiz export {}",
            import.rows,
            import.problems.len(),
            import.file
        );
    }

    let params = metrics_engine::ReportParams {
        from: Some((today - chrono::Duration::days(29)).to_string()),
        to: Some(today.to_string()),
        ..Default::default()
    };
    let request = metrics_engine::ReportRequest::from_params(&params, &super::report::report_settings(&settings))
        .map_err(Failure::failed)?;
    let report = super::report::build(&store, &settings, &request).await?;
    {
        let mut out = std::io::stdout().lock();
        out.write_all(metrics_engine::render_table(&report).as_bytes()).map_err(Failure::failed)?;
    }
    if args.no_serve {
        store.close().await;
        return Ok(());
    }
    if !args.bind.ip().is_loopback() {
        return Err(Failure::usage(anyhow::anyhow!(
            "the demo serves on loopback addresses only (--bind 127.0.0.1:PORT)"
        )));
    }
    let server_settings = server::ServerSettings {
        bind: args.bind,
        account: settings.account.clone(),
        timezone: settings.timezone,
        webhook_secret: None,
        auth_token: None,
        report: super::report::report_settings(&settings),
        sync: None,
    };
    let app = server::Application::build(server_settings, store.clone(), Some(client))
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))
        .map_err(Failure::failed)?;
    println!("\nThe dashboard: http://{}/ (Ctrl-C stops the demo)", app.addr());
    app.run_until(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("the dashboard stopped")
    .map_err(Failure::failed)?;
    store.close().await;
    Ok(())
}
