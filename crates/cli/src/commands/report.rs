use std::io::Write;

use anyhow::anyhow;
use chrono::NaiveDate;
use metrics_engine::{Bucket, ReportRequest, Segment, SourceAliases};
use store::Store;

use crate::args::{GlobalArgs, ReportArgs, ReportFormat};
use crate::commands::sync::parse_date;
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

pub fn request(settings: &Settings, from: NaiveDate, to: NaiveDate) -> Result<ReportRequest, Failure> {
    let mut request = ReportRequest::new(from, to, settings.timezone.name()).map_err(Failure::usage)?;
    request.excluded_job_statuses = settings.exclude_job_statuses.clone();
    request.aliases = settings.source_aliases.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<SourceAliases>();
    Ok(request)
}

pub async fn run(global: &GlobalArgs, args: ReportArgs) -> Result<(), Failure> {
    let settings = Settings::load(global)?;
    let from = parse_date("--from", &args.from)?;
    let to = parse_date("--to", &args.to)?;
    if from > to {
        return Err(Failure::usage(anyhow!("--from {from} is after --to {to}")));
    }
    let mut request = request(&settings, from, to)?;
    request.bucket = args
        .by
        .as_deref()
        .map(|b| b.parse::<Bucket>().map_err(|_| Failure::usage(anyhow!("--by '{b}' must be day, week or month"))))
        .transpose()?;
    request.source = args.source.clone();
    request.segment = args
        .segment
        .as_deref()
        .map(|s| s.parse::<Segment>().map_err(|_| Failure::usage(anyhow!("--segment '{s}' must be COD, INS or OTHER"))))
        .transpose()?;
    request.validate().map_err(Failure::usage)?;
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
