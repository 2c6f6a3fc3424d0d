//! Workiz's jobs and leads exports. Their rows merge with the API's records of the same UUID: the
//! API's fields win where both exist, and the row keeps the export beside the API record.

use std::path::Path;

use chrono_tz::Tz;

use store::{JobRow, LeadRow, Origin, Store, UpsertCounts};
use workiz::Cents;

use crate::convert::digits;
use crate::import::{FileImport, ImportError, RowProblem, chunks, keep_problems, read_file};
use crate::workiz_csv::{Sheet, SheetRow, parse_export_date, parse_timestamp};

const JOB_COLUMNS: [&str; 10] =
    ["Job #", "UUID", "Job Type", "Job Date", "Status", "Source", "Total", "Amount Due", "Amount Paid", "Created"];
const JOB_HEADER: &str = "Job #,Client,Tags,Job Type,Job Date,Job End,Primary Phone,…,UUID,Sub-Status,…,Total,…,Created,…,\
Amount Due,Amount Paid,…,Source,…,Payment Methods (Workiz's jobs export)";
const LEAD_COLUMNS: [&str; 6] = ["Lead #", "UUID", "Status", "Source", "Job Type", "Created"];
const LEAD_HEADER: &str =
    "Lead #,Status,Tags,Source,Client,…,Job Type,Phone,Created,…,Scheduled,…,UUID,… (Workiz's leads export)";

/// A date of the export (`Fri Dec 19 2025`, or a timestamp) as stored: `YYYY-MM-DD HH:MM:SS`,
/// or the day alone when the export gives no time.
/// A time with a zone is converted into the account's, as for the API.
fn export_time(row: &SheetRow<'_>, column: &str, tz: Tz) -> Result<Option<String>, String> {
    row.get(column).map(|text| time_text(column, text, tz)).transpose()
}

fn time_text(column: &str, text: &str, tz: Tz) -> Result<String, String> {
    if let Some(date) = parse_export_date(text) {
        return Ok(date.to_string());
    }
    parse_timestamp(text, |t| t.with_timezone(&tz).naive_local())
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .ok_or_else(|| format!("{column} '{text}' is not a date like 'Fri Dec 19 2025'"))
}

fn money(row: &SheetRow<'_>, column: &str) -> Result<Option<i64>, String> {
    match row.get(column) {
        None => Ok(None),
        Some(text) => {
            Cents::parse(text).map(|c| Some(c.0)).ok_or_else(|| format!("{column} '{text}' is not an amount"))
        }
    }
}

fn uuid(row: &SheetRow<'_>) -> Result<String, String> {
    let uuid = row.get("UUID").ok_or("UUID is empty")?;
    if !uuid.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("UUID '{uuid}' is not a Workiz UUID"));
    }
    Ok(uuid.to_owned())
}

fn day_of(text: &Option<String>) -> Option<String> {
    text.as_ref().map(|t| t[..10.min(t.len())].to_owned())
}

fn job_row(row: &SheetRow<'_>, tz: Tz) -> Result<JobRow, String> {
    let scheduled_at = export_time(row, "Job Date", tz)?;
    let created_at = export_time(row, "Created", tz)?;
    // Several technicians share one cell: "Robert, Max".
    let team =
        row.get("Tech").map(|t| t.split(',').map(str::trim).filter(|n| !n.is_empty()).collect::<Vec<_>>().join(", "));
    Ok(JobRow {
        uuid: uuid(row)?,
        serial_id: row.get("Job #").map(str::to_owned),
        status: row.get("Status").map(str::to_owned),
        sub_status: row.get("Sub-Status").map(str::to_owned),
        job_type: row.get("Job Type").map(str::to_owned),
        source: row.get("Source").map(str::to_owned),
        day: day_of(&scheduled_at).or_else(|| day_of(&created_at)),
        scheduled_at,
        created_at,
        client_id: None,
        total_cents: money(row, "Total")?,
        amount_due_cents: money(row, "Amount Due")?,
        // The export states what was paid; for a job read only from it, that is paid.
        paid_cents: money(row, "Amount Paid")?,
        phone: row.get("Primary Phone").map(str::to_owned),
        team: team.filter(|t| !t.is_empty()),
        origin: Origin::Csv,
        raw: row.raw(),
    })
}

fn lead_row(row: &SheetRow<'_>, tz: Tz) -> Result<LeadRow, String> {
    let created_at = export_time(row, "Created", tz)?;
    let scheduled_at = export_time(row, "Scheduled", tz)?;
    Ok(LeadRow {
        uuid: uuid(row)?,
        serial_id: row.get("Lead #").map(str::to_owned),
        status: row.get("Status").map(str::to_owned),
        lead_type: row.get("Job Type").map(str::to_owned),
        source: row.get("Source").map(str::to_owned),
        day: day_of(&created_at).or_else(|| day_of(&scheduled_at)),
        scheduled_at,
        created_at,
        client_id: None,
        phone_digits: row.get("Phone").and_then(digits),
        total_cents: None,
        origin: Origin::Csv,
        raw: row.raw(),
    })
}

fn parse_rows<R>(
    sheet: &Sheet,
    rows: Vec<crate::workiz_csv::RawRow>,
    parse: impl Fn(&SheetRow<'_>) -> Result<R, String>,
) -> (Vec<R>, Vec<RowProblem>) {
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for row in rows {
        match row.and_then(|(line, fields)| {
            let row = sheet.row(line, fields);
            parse(&row).map_err(|reason| row.problem(reason))
        }) {
            Ok(r) => parsed.push(r),
            Err(problem) => problems.push(problem),
        }
    }
    (parsed, problems)
}

/// Imports one jobs export.
pub async fn import_jobs(store: &Store, account: &str, path: &Path, tz: Tz) -> Result<FileImport, ImportError> {
    let file = path.display().to_string();
    let bytes = read_file(path)?;
    let (sheet, rows) = Sheet::read(&bytes, &file, &JOB_COLUMNS, JOB_HEADER)?;
    let (jobs, problems) = parse_rows(&sheet, rows, |row| job_row(row, tz));
    let total = (jobs.len() + problems.len()) as u64;
    let mut counts = UpsertCounts::default();
    for chunk in chunks(jobs) {
        counts += store.upsert_jobs(account, chunk).await?;
    }
    keep_problems(store, account, "jobs", &file, &problems).await?;
    Ok(FileImport { file, rows: total, counts, problems, note: None })
}

/// Imports one leads export.
pub async fn import_leads(store: &Store, account: &str, path: &Path, tz: Tz) -> Result<FileImport, ImportError> {
    let file = path.display().to_string();
    let bytes = read_file(path)?;
    let (sheet, rows) = Sheet::read(&bytes, &file, &LEAD_COLUMNS, LEAD_HEADER)?;
    let (leads, problems) = parse_rows(&sheet, rows, |row| lead_row(row, tz));
    let total = (leads.len() + problems.len()) as u64;
    let mut counts = UpsertCounts::default();
    for chunk in chunks(leads) {
        counts += store.upsert_leads(account, chunk).await?;
    }
    keep_problems(store, account, "leads", &file, &problems).await?;
    Ok(FileImport { file, rows: total, counts, problems, note: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoned_times_land_in_the_account_zone_and_plain_ones_stay() {
        let tz: Tz = "America/New_York".parse().expect("tz");
        // 03:30 UTC on December 1st is 22:30 on November 30th in New York.
        assert_eq!(time_text("Created", "2026-12-01T03:30:00Z", tz).as_deref(), Ok("2026-11-30 22:30:00"));
        assert_eq!(time_text("Created", "2026-12-01 03:30:00", tz).as_deref(), Ok("2026-12-01 03:30:00"));
        assert_eq!(time_text("Job Date", "Fri Dec 19 2025", tz).as_deref(), Ok("2025-12-19"));
        assert!(time_text("Created", "soon", tz).is_err_and(|e| e.contains("Created 'soon'")));
    }
}
