//! A report request from text parameters (CLI flags, API query strings), with an error that names
//! the parameter at fault.

use chrono::NaiveDate;

use crate::request::{Bucket, ReportRequest, SourceAliases};
use crate::rules::Segment;

/// The text parameters of a report.
#[derive(Debug, Clone, Default)]
pub struct ReportParams {
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
    pub source: Option<String>,
    pub segment: Option<String>,
}

/// The account's report settings.
#[derive(Debug, Clone, Default)]
pub struct ReportSettings {
    pub timezone: String,
    pub excluded_job_statuses: Vec<String>,
    pub aliases: SourceAliases,
}

/// A parameter that is missing or wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{param}: {message}")]
pub struct ParamError {
    /// The parameter's name (`from`, `to`, `by`, `source`, `segment`).
    pub param: &'static str,
    pub message: String,
}

fn error(param: &'static str, message: impl Into<String>) -> ParamError {
    ParamError { param, message: message.into() }
}

fn date(param: &'static str, value: Option<&str>) -> Result<NaiveDate, ParamError> {
    let text =
        value.map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| error(param, "is required (YYYY-MM-DD)"))?;
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| error(param, format!("'{text}' is not a date: use YYYY-MM-DD")))
}

impl ReportRequest {
    /// Validates text parameters into a request.
    pub fn from_params(params: &ReportParams, settings: &ReportSettings) -> Result<Self, ParamError> {
        let from = date("from", params.from.as_deref())?;
        let to = date("to", params.to.as_deref())?;
        if from > to {
            return Err(error("from", format!("{from} is after to {to}")));
        }
        let mut request =
            ReportRequest::new(from, to, settings.timezone.clone()).map_err(|e| error("from", e.to_string()))?;
        request.excluded_job_statuses = settings.excluded_job_statuses.clone();
        request.aliases = settings.aliases.clone();
        request.bucket = match params.by.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
            None => None,
            Some(b) => Some(b.parse::<Bucket>().map_err(|_| error("by", format!("'{b}' must be day, week or month")))?),
        };
        request.source = params.source.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        request.segment = match params.segment.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => {
                Some(s.parse::<Segment>().map_err(|_| error("segment", format!("'{s}' must be COD, INS or OTHER")))?)
            }
        };
        request.validate().map_err(|e| error("by", e.to_string()))?;
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(from: &str, to: &str) -> ReportParams {
        ReportParams { from: Some(from.into()), to: Some(to.into()), ..ReportParams::default() }
    }

    #[test]
    fn errors_name_the_parameter() {
        let settings = ReportSettings { timezone: "UTC".into(), ..ReportSettings::default() };
        let param = |p: ReportParams| ReportRequest::from_params(&p, &settings).map(|_| ()).map_err(|e| e.param);
        assert_eq!(param(params("2026-11-01", "2026-11-30")), Ok(()));
        assert_eq!(param(params("2026-11-31", "2026-11-30")), Err("from"));
        assert_eq!(param(params("2026-11-01", "tomorrow")), Err("to"));
        assert_eq!(param(params("2026-11-30", "2026-11-01")), Err("from"));
        assert_eq!(param(ReportParams { by: Some("year".into()), ..params("2026-11-01", "2026-11-30") }), Err("by"));
        assert_eq!(
            param(ReportParams { segment: Some("VIP".into()), ..params("2026-11-01", "2026-11-30") }),
            Err("segment")
        );
        assert_eq!(param(ReportParams { to: None, ..params("2026-11-01", "x") }), Err("to"));
    }
}
