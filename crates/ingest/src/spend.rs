//! Marketing spend from CSV files: `source,date_from,date_to,amount[,campaign]`, dates inclusive,
//! amounts in dollars. The same row imported twice is stored once; a changed amount updates it.

use std::path::Path;

use chrono::NaiveDate;
use store::{SpendRow, Store, UpsertCounts};
use workiz::Cents;

use crate::import::{FileImport, ImportError, RowProblem, chunks, keep_problems, read_file};
use crate::workiz_csv::{Sheet, SheetRow};

const REQUIRED: [&str; 4] = ["source", "date_from", "date_to", "amount"];
const EXPECTED_HEADER: &str = "source,date_from,date_to,amount[,campaign]";

/// Reads `YYYY-MM-DD`, and `MM/DD/YYYY` as spreadsheets write it.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(text, "%m/%d/%Y")).ok()
}

/// Parses a spend file: the rows, and the problems of the rows that are not.
pub fn parse_spend(bytes: &[u8], file: &str) -> Result<(Vec<SpendRow>, Vec<RowProblem>), ImportError> {
    let (sheet, rows) = Sheet::read(bytes, file, &REQUIRED, EXPECTED_HEADER)?;
    if let Some(unknown) = sheet
        .names
        .iter()
        .find(|n| !REQUIRED.contains(&n.to_ascii_lowercase().as_str()) && !n.eq_ignore_ascii_case("campaign"))
    {
        return Err(ImportError::Header {
            file: file.to_owned(),
            found: sheet.names.join(","),
            expected: EXPECTED_HEADER.to_owned(),
            missing: format!("; unknown column {unknown}"),
        });
    }
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for row in rows {
        match row.and_then(|(line, fields)| {
            let row = sheet.row(line, fields);
            spend_row(&row).map_err(|reason| row.problem(reason))
        }) {
            Ok(row) => parsed.push(row),
            Err(problem) => problems.push(problem),
        }
    }
    Ok((parsed, problems))
}

fn spend_row(row: &SheetRow<'_>) -> Result<SpendRow, String> {
    let field = |name: &str| row.get(name).unwrap_or_default().to_owned();
    let source = field("source");
    if source.is_empty() {
        return Err("source is empty".to_owned());
    }
    let (from_text, to_text) = (field("date_from"), field("date_to"));
    let from = parse_date(&from_text).ok_or_else(|| format!("date_from '{from_text}' is not a date (YYYY-MM-DD)"))?;
    let to = parse_date(&to_text).ok_or_else(|| format!("date_to '{to_text}' is not a date (YYYY-MM-DD)"))?;
    if from > to {
        return Err(format!("date_from {from} is after date_to {to}"));
    }
    let amount_text = field("amount");
    let amount =
        Cents::parse(&amount_text).ok_or_else(|| format!("amount '{amount_text}' is not an amount in dollars"))?;
    let campaign = field("campaign");
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
    let bytes = read_file(path)?;
    let (rows, problems) = parse_spend(&bytes, &file)?;
    let total = (rows.len() + problems.len()) as u64;
    let mut counts = UpsertCounts::default();
    for chunk in chunks(rows) {
        counts += store.upsert_spend(account, chunk).await?;
    }
    keep_problems(store, account, "spend", &file, &problems).await?;
    Ok(FileImport { file, rows: total, counts, problems, note: None })
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
