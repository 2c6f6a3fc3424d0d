//! The calls export (`From,"From number",To,"To number",Time,Flow,"Ad group",Answered,Job,"Job ID",
//! Duration`) and payments files (`payment_id,job_uuid,paid_at,amount,method`).

use std::path::Path;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use store::{CallRow, Origin, PaymentRow, Store, UpsertCounts};
use workiz::Cents;

use crate::convert::digits;
use crate::import::{FileImport, ImportError, RowProblem, chunks, keep_problems, read_file};
use crate::workiz_csv::{Sheet, SheetRow, parse_call_time, parse_duration, parse_timestamp, parse_yes_no};

const CALL_COLUMNS: [&str; 11] =
    ["From", "From number", "To", "To number", "Time", "Flow", "Ad group", "Answered", "Job", "Job ID", "Duration"];
const CALL_HEADER: &str =
    "From,\"From number\",To,\"To number\",Time,Flow,\"Ad group\",Answered,Job,\"Job ID\",Duration";
const PAYMENT_COLUMNS: [&str; 4] = ["payment_id", "job_uuid", "paid_at", "amount"];
const PAYMENT_HEADER: &str = "payment_id,job_uuid,paid_at,amount,method";

fn call_row(row: &SheetRow<'_>, year: CallYear) -> Result<CallRow, String> {
    let time_text = row.get("Time").ok_or("Time is empty")?;
    let time = year.time(time_text)?;
    let from = row.get("From number").and_then(digits);
    let to = row.get("To number").and_then(digits);
    if from.is_none() && row.get("From").is_none() {
        return Err("neither From nor From number is set".to_owned());
    }
    let duration = match row.get("Duration") {
        Some(text) => {
            Some(parse_duration(text).ok_or_else(|| format!("Duration '{text}' is not like '3 Min 25 Sec'"))?)
        }
        None => None,
    };
    let answered = match row.get("Answered") {
        Some(text) => Some(parse_yes_no(text).ok_or_else(|| format!("Answered '{text}' is not yes or no"))?),
        None => None,
    };
    let flow = row.get("Flow").map(str::to_owned);
    let ad_group = row.get("Ad group").map(str::to_owned);
    let caller = from.clone().unwrap_or_else(|| row.get("From").unwrap_or_default().to_owned());
    Ok(CallRow {
        // The export has no call id: a call is its caller, callee and minute.
        call_id: format!("{caller}|{}|{}", to.as_deref().unwrap_or(""), time.format("%Y-%m-%d %H:%M")),
        started_at: Some(time.format("%Y-%m-%d %H:%M:%S").to_string()),
        day: Some(time.date().to_string()),
        source: ad_group.clone().or_else(|| flow.clone()),
        flow,
        ad_group,
        answered,
        job_uuid: row.get("Job").map(str::to_owned),
        from_digits: from,
        duration_secs: duration,
        origin: Origin::Csv,
        raw: row.raw(),
    })
}

/// How a call time without a year gets one.
#[derive(Debug, Clone, Copy)]
enum CallYear {
    /// Given with `--year`: every row must fit it.
    Given(i32),
    /// The most recent year, at most five back, in which the row's weekday falls on its date
    /// without being in the future: an export spanning New Year gets both years right.
    Inferred { today: NaiveDate },
}

impl CallYear {
    fn time(self, text: &str) -> Result<NaiveDateTime, String> {
        match self {
            Self::Given(year) => parse_call_time(text, year),
            Self::Inferred { today } => (0..=5)
                .map(|back| today.year() - back)
                .find_map(|year| {
                    parse_call_time(text, year).ok().filter(|t| t.date() <= today + chrono::Duration::days(1))
                })
                .ok_or_else(|| format!("'{text}' fits no recent year's weekday: pass the export's year with --year")),
        }
    }
}

/// Imports one calls export. `year` is the export's year; when `None` each row's year is inferred
/// from its weekday, and the years taken are said in the result's note.
pub async fn import_calls(
    store: &Store,
    account: &str,
    path: &Path,
    year: Option<i32>,
    today: NaiveDate,
) -> Result<FileImport, ImportError> {
    let file = path.display().to_string();
    let bytes = read_file(path)?;
    let (sheet, rows) = Sheet::read(&bytes, &file, &CALL_COLUMNS, CALL_HEADER)?;
    let call_year = match year {
        Some(year) => CallYear::Given(year),
        None => CallYear::Inferred { today },
    };
    let mut problems = Vec::new();
    let mut calls = Vec::new();
    for row in rows {
        match row.and_then(|(line, fields)| {
            let row = sheet.row(line, fields);
            call_row(&row, call_year).map_err(|reason| row.problem(reason))
        }) {
            Ok(call) => calls.push(call),
            Err(problem) => problems.push(problem),
        }
    }
    let note = year.is_none().then(|| {
        let years: std::collections::BTreeSet<&str> =
            calls.iter().filter_map(|c| c.day.as_deref().map(|d| &d[..4])).collect();
        let years: Vec<&str> = years.into_iter().collect();
        format!("the export has no year: took {} from the weekdays (--year overrides)", years.join(" and "))
    });
    problems.sort_by_key(|p| p.line);
    let total = (calls.len() + problems.len()) as u64;
    let mut counts = UpsertCounts::default();
    for chunk in chunks(calls) {
        counts += store.upsert_calls(account, chunk).await?;
    }
    keep_problems(store, account, "calls", &file, &problems).await?;
    Ok(FileImport { file, rows: total, counts, problems, note })
}

fn payment_row(row: &SheetRow<'_>, tz: Tz) -> Result<PaymentRow, String> {
    let id = row.get("payment_id").ok_or("payment_id is empty")?;
    let job = row.get("job_uuid").ok_or("job_uuid is empty")?;
    let paid_text = row.get("paid_at").ok_or("paid_at is empty")?;
    let paid_at: NaiveDateTime = parse_timestamp(paid_text, |t| t.with_timezone(&tz).naive_local())
        .ok_or_else(|| format!("paid_at '{paid_text}' is not a date (YYYY-MM-DD HH:MM:SS)"))?;
    let amount_text = row.get("amount").ok_or("amount is empty")?;
    let amount =
        Cents::parse(amount_text).ok_or_else(|| format!("amount '{amount_text}' is not an amount in dollars"))?;
    Ok(PaymentRow {
        payment_id: id.to_owned(),
        job_uuid: Some(job.to_owned()),
        paid_at: Some(paid_at.format("%Y-%m-%d %H:%M:%S").to_string()),
        day: Some(paid_at.date().to_string()),
        amount_cents: amount.0,
        tip_cents: None,
        method: row.get("method").map(str::to_owned),
        origin: Origin::Csv,
        raw: row.raw(),
    })
}

/// Imports one payments file.
pub async fn import_payments(store: &Store, account: &str, path: &Path, tz: Tz) -> Result<FileImport, ImportError> {
    let file = path.display().to_string();
    let bytes = read_file(path)?;
    let (sheet, rows) = Sheet::read(&bytes, &file, &PAYMENT_COLUMNS, PAYMENT_HEADER)?;
    let mut payments = Vec::new();
    let mut problems: Vec<RowProblem> = Vec::new();
    for row in rows {
        match row.and_then(|(line, fields)| {
            let row = sheet.row(line, fields);
            payment_row(&row, tz).map_err(|reason| row.problem(reason))
        }) {
            Ok(payment) => payments.push(payment),
            Err(problem) => problems.push(problem),
        }
    }
    let total = (payments.len() + problems.len()) as u64;
    let mut counts = UpsertCounts::default();
    for chunk in chunks(payments) {
        counts += store.upsert_payments(account, chunk).await?;
    }
    keep_problems(store, account, "payments", &file, &problems).await?;
    Ok(FileImport { file, rows: total, counts, problems, note: None })
}
