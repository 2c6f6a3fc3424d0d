use std::time::Duration;

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use workiz_sim::{EnvelopeStyle, FaultRates, OffsetMeaning, SimConfig, Simulator, WireStyle};

use crate::args::{EnvelopeArg, OffsetArg, SimulateArgs};
use crate::exit::Failure;

const EXTRA_ENDPOINTS: [&str; 7] = workiz::EXTRA_ENDPOINTS;

/// Turns the raw flags into a simulator configuration, naming the flag at fault.
pub fn config(args: &SimulateArgs) -> Result<SimConfig, Failure> {
    let last_day = match &args.last_day {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| Failure::usage(anyhow!("--last-day '{text}' is not a date: use YYYY-MM-DD")))?,
        None => chrono::Local::now().date_naive(),
    };
    let mut config = SimConfig::new(args.seed, args.days, last_day);
    if let Some(token) = &args.token {
        workiz::ApiToken::parse(token).map_err(Failure::usage)?;
        config.token = token.clone();
    }
    config.rate_limit = (args.rate_limit > 0).then(|| (args.rate_limit, Duration::from_secs(args.rate_window.max(1))));
    config.offset_meaning = match args.offset {
        OffsetArg::Records => OffsetMeaning::Records,
        OffsetArg::Pages => OffsetMeaning::Pages,
    };
    config.envelope = match args.envelope {
        EnvelopeArg::Wrapped => EnvelopeStyle::Wrapped,
        EnvelopeArg::Found => EnvelopeStyle::WrappedWithFound,
        EnvelopeArg::Bare => EnvelopeStyle::Bare,
    };
    config.wire_style = if args.canonical { WireStyle::Canonical } else { WireStyle::Mixed };
    config.latency = Duration::from_millis(args.latency_ms);
    config.faults = parse_faults(&args.faults).map_err(Failure::usage)?;
    for name in &args.extra_endpoints {
        if !EXTRA_ENDPOINTS.contains(&name.as_str()) {
            return Err(Failure::usage(anyhow!(
                "--extra-endpoints: '{name}' is not one of {}",
                EXTRA_ENDPOINTS.join(", ")
            )));
        }
    }
    config.extra_endpoints = args.extra_endpoints.clone();
    for (flag, value) in [
        ("--jobs-per-day", args.jobs_per_day),
        ("--leads-per-day", args.leads_per_day),
        ("--calls-per-day", args.calls_per_day),
    ] {
        if !(0.0..=100_000.0).contains(&value) {
            return Err(Failure::usage(anyhow!("{flag} {value} is outside 0..=100000")));
        }
    }
    config.shape.jobs_per_day = args.jobs_per_day;
    config.shape.leads_per_day = args.leads_per_day;
    config.shape.calls_per_day = args.calls_per_day;
    Ok(config)
}

fn parse_faults(specs: &[String]) -> anyhow::Result<FaultRates> {
    let mut rates = FaultRates::default();
    for spec in specs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if spec == "chaos" {
            rates = FaultRates::chaos();
            continue;
        }
        let (name, value) = spec
            .split_once('=')
            .ok_or_else(|| anyhow!("--faults '{spec}': write NAME=PROBABILITY, for example 429=0.05"))?;
        let p: f64 = value
            .parse()
            .ok()
            .filter(|p| (0.0..=1.0).contains(p))
            .ok_or_else(|| anyhow!("--faults '{spec}': the probability must be a number from 0 to 1"))?;
        match name {
            "429" => rates.too_many_requests = p,
            "500" => rates.internal_error = p,
            "502" => rates.bad_gateway = p,
            "timeout" => rates.timeout = p,
            "truncated" => rates.truncated = p,
            "malformed" => rates.malformed = p,
            "flag-false" => rates.flag_false = p,
            "duplicates" => rates.duplicate_across_pages = p,
            "changes" => {
                rates.change_between_pages = p;
                rates.change_budget = u32::MAX;
            }
            other => {
                return Err(anyhow!(
                    "--faults: unknown fault '{other}' (429, 500, 502, timeout, truncated, malformed, flag-false, duplicates, changes)"
                ));
            }
        }
    }
    Ok(rates)
}

pub async fn run(args: SimulateArgs) -> Result<(), Failure> {
    let config = config(&args)?;
    let (first_day, last_day) = (config.shape.first_day(), config.shape.last_day);
    let sim = Simulator::start(config, args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))
        .map_err(Failure::failed)?;
    let (jobs, leads, calls) = sim.with_truth(|a| (a.jobs.len(), a.leads.len(), a.calls.len()));
    println!("Workiz simulator: {jobs} jobs, {leads} leads, {calls} calls from {first_day} to {last_day}");
    println!("API base:  {}", sim.base_url());
    println!("token:     {}", sim.token());
    println!("try:       curl '{}/{}/job/all/?start_date={first_day}&only_open=false'", sim.base_url(), sim.token());
    println!("Ctrl-C stops it.");
    tokio::signal::ctrl_c().await.context("cannot wait for Ctrl-C").map_err(Failure::failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_specs_are_validated() {
        let rates = parse_faults(&["429=0.5".into(), "duplicates=1".into()]).expect("valid");
        assert_eq!((rates.too_many_requests, rates.duplicate_across_pages), (0.5, 1.0));
        assert!(parse_faults(&["429".into()]).is_err());
        assert!(parse_faults(&["429=2".into()]).is_err());
        assert!(parse_faults(&["teapot=0.1".into()]).is_err());
        assert!(parse_faults(&["chaos".into()]).expect("chaos").too_many_requests > 0.0);
    }
}
