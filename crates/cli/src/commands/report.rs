use std::io::Write;

use anyhow::anyhow;
use metrics_engine::{ReportParams, ReportRequest, ReportSettings, SourceAliases};
use store::Store;

use crate::args::{GlobalArgs, ReportArgs, ReportFormat};
use crate::exit::Failure;
use crate::settings::Settings;

/// Loads the period's facts from the store and computes the report.
pub async fn build(
    store: &Store,
    settings: &Settings,
    request: &ReportRequest,
) -> Result<metrics_engine::Report, Failure> {
    metrics_engine::report(store, &settings.account, request).await.map_err(Failure::failed)
}

/// The account's report settings from the configuration.
pub fn report_settings(settings: &Settings) -> ReportSettings {
    ReportSettings {
        timezone: settings.timezone.name().to_owned(),
        excluded_job_statuses: settings.exclude_job_statuses.clone(),
        aliases: settings.source_aliases.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<SourceAliases>(),
    }
}

pub async fn run(global: &GlobalArgs, args: ReportArgs) -> Result<(), Failure> {
    let settings = Settings::load(global)?;
    let params = ReportParams {
        from: Some(args.from.clone()),
        to: Some(args.to.clone()),
        by: args.by.clone(),
        source: args.source.clone(),
        segment: args.segment.clone(),
    };
    let request = ReportRequest::from_params(&params, &report_settings(&settings))
        .map_err(|e| Failure::usage(anyhow!("--{}: {}", e.param, e.message)))?;
    let store = super::open_store(&settings).await?;
    let report = build(&store, &settings, &request).await?;
    store.close().await;
    let text = match args.format {
        ReportFormat::Table => metrics_engine::render_table(&report),
        ReportFormat::Csv => metrics_engine::render_csv(&report),
        ReportFormat::Json => metrics_engine::render_json(&report).map_err(Failure::failed)? + "\n",
    };
    std::io::stdout().lock().write_all(text.as_bytes()).map_err(Failure::failed)
}
