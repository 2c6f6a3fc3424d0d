//! Settings: flags beat the environment, which beats `workiz-metrics.toml`. The raw sources are
//! merged here into one validated [`Settings`]; secrets are redacted from its `Debug`.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use chrono_tz::Tz;
use serde::Deserialize;
use workiz::{ApiSecret, ApiToken, DEFAULT_BASE_URL};

use crate::args::GlobalArgs;
use crate::exit::Failure;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://workiz-metrics.db";
const DEFAULT_CONFIG_FILE: &str = "workiz-metrics.toml";

/// `workiz-metrics.toml`. Unknown keys are an error, so a typo is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    api_base: Option<String>,
    api_token: Option<String>,
    api_secret: Option<String>,
    timezone: Option<String>,
    account: Option<String>,
    webhook_secret: Option<String>,
    auth_token: Option<String>,
    inbox_dir: Option<std::path::PathBuf>,
    #[serde(default)]
    exclude_job_statuses: Vec<String>,
    /// Spelling → source, for example `GoogleAds = "Google"`.
    #[serde(default)]
    source_aliases: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    sync: SyncFileSettings,
    /// Task → cron expression, over the default schedule.
    #[serde(default)]
    schedule: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncFileSettings {
    pub window_days: Option<u32>,
    pub deep_window_days: Option<u32>,
    pub clients_per_run: Option<usize>,
    pub client_refresh_days: Option<u32>,
    /// Requests per `rate_window_secs` the client allows itself.
    pub rate_limit: Option<u32>,
    pub rate_window_secs: Option<u64>,
}

/// Everything a command may need, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub api_base: String,
    /// `None` until a command that talks to Workiz asks for it.
    pub token: Option<ApiToken>,
    pub secret: Option<ApiSecret>,
    pub timezone: Tz,
    pub account: String,
    /// The secret part of the webhook URL; redacted from `Debug`.
    pub webhook_secret: Option<secrecy::SecretString>,
    /// The access token of the API and dashboard; redacted from `Debug`.
    pub auth_token: Option<secrecy::SecretString>,
    /// The CSV drop folder that `serve` imports.
    pub inbox_dir: Option<std::path::PathBuf>,
    pub exclude_job_statuses: Vec<String>,
    pub source_aliases: std::collections::BTreeMap<String, String>,
    pub sync: SyncFileSettings,
    pub schedule: std::collections::BTreeMap<String, String>,
}

impl Settings {
    pub fn load(global: &GlobalArgs) -> Result<Self, Failure> {
        let file = read_file(global.config.as_deref()).map_err(Failure::usage)?;
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let database_url = global
            .db
            .clone()
            .or_else(|| env("DATABASE_URL"))
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let api_base = global
            .api_base
            .clone()
            .or_else(|| env("WORKIZ_API_BASE"))
            .or(file.api_base)
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let token = match env("WORKIZ_API_TOKEN").or(file.api_token) {
            Some(raw) => Some(ApiToken::parse(&raw).map_err(Failure::usage)?),
            None => None,
        };
        let secret = env("WORKIZ_API_SECRET").or(file.api_secret).map(ApiSecret::new);
        let tz_name = global
            .timezone
            .clone()
            .or_else(|| env("WORKIZ_TIMEZONE"))
            .or(file.timezone)
            .unwrap_or_else(|| "UTC".to_owned());
        let timezone: Tz = tz_name.parse().map_err(|_| {
            Failure::usage(anyhow!("timezone '{tz_name}' is not an IANA time zone name (for example America/New_York)"))
        })?;
        let account = file.account.unwrap_or_else(|| "default".to_owned());
        if account.trim().is_empty() {
            return Err(Failure::usage(anyhow!("`account` in the config file must not be empty")));
        }
        Ok(Self {
            database_url,
            api_base,
            token,
            secret,
            timezone,
            account,
            webhook_secret: env("WORKIZ_WEBHOOK_SECRET").or(file.webhook_secret).map(secrecy::SecretString::from),
            auth_token: env("WORKIZ_METRICS_AUTH_TOKEN").or(file.auth_token).map(secrecy::SecretString::from),
            inbox_dir: file.inbox_dir,
            exclude_job_statuses: file.exclude_job_statuses,
            source_aliases: file.source_aliases,
            sync: file.sync,
            schedule: file.schedule,
        })
    }

    /// The token, or the one sentence that says how to provide it.
    pub fn require_token(&self) -> Result<ApiToken, Failure> {
        self.token.clone().ok_or_else(|| {
            Failure::usage(anyhow!(
                "WORKIZ_API_TOKEN is not set: export the API token from Workiz (Settings → Developer → API), or set api_token in {DEFAULT_CONFIG_FILE}"
            ))
        })
    }
}

fn read_file(explicit: Option<&Path>) -> anyhow::Result<FileSettings> {
    let path: PathBuf = match explicit {
        Some(path) => path.to_owned(),
        None if Path::new(DEFAULT_CONFIG_FILE).exists() => PathBuf::from(DEFAULT_CONFIG_FILE),
        None => return Ok(FileSettings::default()),
    };
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("cannot read the config file {}", path.display()))?;
    toml::from_str(&text).map_err(|e| anyhow!("{}: {}", path.display(), e.message().trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_in_the_file_are_named() {
        let err = toml::from_str::<FileSettings>("databse_url = 'x'").expect_err("typo");
        assert!(err.message().contains("databse_url"), "{}", err.message());
    }

    #[test]
    fn debug_never_shows_secrets() {
        let settings = Settings {
            database_url: DEFAULT_DATABASE_URL.into(),
            api_base: DEFAULT_BASE_URL.into(),
            token: ApiToken::parse("api_secretsecretsecret").ok(),
            secret: Some(ApiSecret::new("sec_hushhush")),
            timezone: chrono_tz::UTC,
            account: "default".into(),
            webhook_secret: Some(secrecy::SecretString::from("hook_hushhush")),
            auth_token: Some(secrecy::SecretString::from("auth_hushhush")),
            inbox_dir: None,
            exclude_job_statuses: vec![],
            source_aliases: Default::default(),
            sync: SyncFileSettings::default(),
            schedule: Default::default(),
        };
        let debug = format!("{settings:?}");
        assert!(!debug.contains("secretsecret") && !debug.contains("hushhush"), "{debug}");
        assert!(!debug.contains("hook_hushhush") && !debug.contains("auth_hushhush"), "{debug}");
    }
}
