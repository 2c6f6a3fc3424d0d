//! Marketing spend from CSV files: `source,date_from,date_to,amount[,campaign]`, dates inclusive,
//! amounts in dollars. The same row imported twice is stored once; a changed amount updates it.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use store::{Rejected, SpendRow, Store, StoreError, UpsertCounts};
use workiz::Cents;

const REQUIRED: [&str; 4] = ["source", "date_from", "date_to", "amount"];
const EXPECTED_HEADER: &str = "source,date_from,date_to,amount[,campaign]";

/// A row that was not loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub reason: String,
}

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileImport {
    pub file: String,
    pub rows: u64,
    pub counts: UpsertCounts,
    pub problems: Vec<RowProblem>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file} is empty: a spend file starts with the header {EXPECTED_HEADER}")]
    Empty { file: String },
    #[error("{file} has the header '{found}': expected {EXPECTED_HEADER} (any order){missing}")]
    Header { file: String, found: String, missing: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads `YYYY-MM-DD`, and `MM/DD/YYYY` as spreadsheets write it.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(text, "%m/%d/%Y")).ok()
}

/// Parses a spend file: the rows, and the problems of the rows that are not.
pub fn parse_spend(bytes: &[u8], file: &str) -> Result<(Vec<SpendRow>, Vec<RowProblem>), ImportError> {
    // Spreadsheets like to start UTF-8 files with a byte-order mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty { file: file.to_owned() });
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(bytes);
    let header = reader.byte_headers().map_err(|e| header_error(file, &e.to_string(), &[]))?.clone();
    let names: Vec<String> = header.iter().map(|h| String::from_utf8_lossy(h).trim().to_ascii_lowercase()).collect();
    let column: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|r| !column.contains_key(r)).collect();
    let unknown = names.iter().any(|n| !REQUIRED.contains(&n.as_str()) && n != "campaign");
    if !missing.is_empty() || unknown {
        return Err(header_error(file, &names.join(","), &missing));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.byte_records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(RowProblem { line, reason: format!("unreadable row: {e}") });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != names.len() {
            let reason = format!(
                "the row has {} fields, the header {} (quote amounts that contain commas)",
                record.len(),
                names.len()
            );
            problems.push(RowProblem { line, reason });
            continue;
        }
        match spend_row(&record, &column) {
            Ok(row) => rows.push(row),
            Err(reason) => problems.push(RowProblem { line, reason }),
        }
    }
    Ok((rows, problems))
}

fn header_error(file: &str, found: &str, missing: &[&str]) -> ImportError {
    let missing = if missing.is_empty() { String::new() } else { format!("; missing {}", missing.join(", ")) };
    ImportError::Header { file: file.to_owned(), found: found.to_owned(), missing }
}

fn spend_row(record: &csv::ByteRecord, column: &HashMap<&str, usize>) -> Result<SpendRow, String> {
    let field = |name: &str| -> Result<String, String> {
        let bytes = column.get(name).and_then(|i| record.get(*i)).unwrap_or_default();
        std::str::from_utf8(bytes)
            .map(|s| s.trim().to_owned())
            .map_err(|_| format!("{name} is not UTF-8 text: save the file as UTF-8"))
    };
    let source = field("source")?;
    if source.is_empty() {
        return Err("source is empty".to_owned());
    }
    let (from_text, to_text) = (field("date_from")?, field("date_to")?);
    let from = parse_date(&from_text).ok_or_else(|| format!("date_from '{from_text}' is not a date (YYYY-MM-DD)"))?;
    let to = parse_date(&to_text).ok_or_else(|| format!("date_to '{to_text}' is not a date (YYYY-MM-DD)"))?;
    if from > to {
        return Err(format!("date_from {from} is after date_to {to}"));
    }
    let amount_text = field("amount")?;
    let amount =
        Cents::parse(&amount_text).ok_or_else(|| format!("amount '{amount_text}' is not an amount in dollars"))?;
    let campaign = if column.contains_key("campaign") { field("campaign")? } else { String::new() };
    Ok(SpendRow {
        raw: format!("{source},{from},{to},{amount},{campaign}"),
        source,
        date_from: from.to_string(),
        date_to: to.to_string(),
        campaign,
        amount_cents: amount.0,
    })
}

/// Imports one spend file: good rows are stored in one batch per 500, bad ones are kept aside
/// in the rejected records (keyed by file and line) and reported.
pub async fn import_spend(store: &Store, account: &str, path: &Path) -> Result<FileImport, ImportError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read { file: file.clone(), source })?;
    let (rows, problems) = parse_spend(&bytes, &file)?;
    let total = (rows.len() + problems.len()) as u64;
    let mut counts = UpsertCounts::default();
    let mut rows = rows;
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(500));
        counts += store.upsert_spend(account, rows).await?;
        rows = rest;
    }
    let rejected: Vec<Rejected> = problems
        .iter()
        .map(|p| Rejected { key: Some(format!("{file}:{}", p.line)), reason: p.reason.clone(), raw: String::new() })
        .collect();
    store.reject(account, "spend", &rejected).await?;
    Ok(FileImport { file, rows: total, counts, problems })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_in_any_column_order_with_or_without_campaign() {
        let (rows, problems) = parse_spend(
            b"\xEF\xBB\xBFamount,source,date_to,date_from\n\"$1,200.50\",Google,2026-11-30,2026-11-01\n",
            "a.csv",
        )
        .expect("parses");
        assert!(problems.is_empty());
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].source.as_str(), rows[0].amount_cents, rows[0].campaign.as_str()), ("Google", 120_050, ""));
        assert_eq!((rows[0].date_from.as_str(), rows[0].date_to.as_str()), ("2026-11-01", "2026-11-30"));
        let (rows, _) = parse_spend(
            b"source,date_from,date_to,amount,campaign\neLocals,11/01/2026,11/15/2026,300,Brand\n",
            "b.csv",
        )
        .expect("parses");
        assert_eq!((rows[0].date_from.as_str(), rows[0].campaign.as_str()), ("2026-11-01", "Brand"));
    }

    #[test]
    fn bad_rows_are_reported_by_line_and_the_rest_is_read() {
        let text = b"source,date_from,date_to,amount\n\
            Google,2026-11-01,2026-11-30,100\n\
            ,2026-11-01,2026-11-30,100\n\
            Rely,2026-11-31,2026-11-30,100\n\
            Rely,2026-11-10,2026-11-01,100\n\
            NSA,2026-11-01,2026-11-30,lots\n\
            NSA,2026-11-01,2026-11-30,\xFF\xFE\n\
            Puls,2026-11-01,2026-11-30,1,200\n\
            Liberty,2026-11-01,2026-11-30,50\n";
        let (rows, problems) = parse_spend(text, "c.csv").expect("parses");
        assert_eq!(rows.iter().map(|r| r.source.as_str()).collect::<Vec<_>>(), ["Google", "Liberty"]);
        let lines: Vec<(u64, &str)> = problems.iter().map(|p| (p.line, p.reason.as_str())).collect();
        assert_eq!(lines[0], (3, "source is empty"));
        assert!(lines[1].0 == 4 && lines[1].1.contains("date_from '2026-11-31'"), "{lines:?}");
        assert!(lines[2].0 == 5 && lines[2].1.contains("after"), "{lines:?}");
        assert!(lines[3].0 == 6 && lines[3].1.contains("amount 'lots'"), "{lines:?}");
        assert!(lines[4].0 == 7 && lines[4].1.contains("UTF-8"), "{lines:?}");
        assert!(lines[5].0 == 8 && lines[5].1.contains("5 fields"), "{lines:?}");
    }

    #[test]
    fn a_wrong_header_or_an_empty_file_rejects_the_whole_file() {
        let err = parse_spend(b"channel,from,to,cost\nGoogle,2026-11-01,2026-11-30,1\n", "d.csv").expect_err("header");
        let text = err.to_string();
        assert!(text.contains("source,date_from,date_to,amount") && text.contains("missing source"), "{text}");
        assert!(matches!(parse_spend(b"  \n", "e.csv"), Err(ImportError::Empty { .. })));
    }
}
