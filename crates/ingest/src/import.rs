//! What every file import shares: its result, its errors, and keeping bad rows aside.

use std::path::Path;

use store::{Rejected, Store, StoreError, UpsertCounts};

/// A row that was not loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub reason: String,
    /// The row as read: its columns as a JSON object (as a stored row keeps them), or its fields
    /// as a CSV line when they do not fit the header; empty if the row could not be read at all.
    pub raw: String,
}

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileImport {
    pub file: String,
    pub rows: u64,
    pub counts: UpsertCounts,
    pub problems: Vec<RowProblem>,
    /// Something the import decided that the user should know (an inferred year).
    pub note: Option<String>,
}

/// Why a file was rejected as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file} is empty: expected the header {expected}")]
    Empty { file: String, expected: String },
    #[error("{file} has the header '{found}': expected {expected} (any order){missing}")]
    Header { file: String, found: String, expected: String, missing: String },
    #[error("{file} is {encoding}: export or save it as UTF-8")]
    Encoding { file: String, encoding: &'static str },
    #[error("{file}: {reason}")]
    Unusable { file: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    std::fs::read(path).map_err(|source| ImportError::Read { file: path.display().to_string(), source })
}

/// Batches for the store: a multi-row statement each.
pub(crate) fn chunks<T>(mut rows: Vec<T>) -> Vec<Vec<T>> {
    let mut chunks = Vec::new();
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(500));
        chunks.push(rows);
        rows = rest;
    }
    chunks
}

/// The most of a bad row's text that is kept: an unclosed quote can make one "row" of the rest of
/// the file.
const KEPT_ROW_BYTES: usize = 8 * 1024;

fn capped(raw: &str) -> String {
    if raw.len() <= KEPT_ROW_BYTES {
        return raw.to_owned();
    }
    let end = (0..=KEPT_ROW_BYTES).rev().find(|&i| raw.is_char_boundary(i)).unwrap_or(0);
    format!("{}… ({} bytes in all)", &raw[..end], raw.len())
}

/// Keeps a file's bad rows in the rejected records, keyed by file and line.
pub(crate) async fn keep_problems(
    store: &Store,
    account: &str,
    resource: &str,
    file: &str,
    problems: &[RowProblem],
) -> Result<(), ImportError> {
    let rejected: Vec<Rejected> = problems
        .iter()
        .map(|p| Rejected { key: Some(format!("{file}:{}", p.line)), reason: p.reason.clone(), raw: capped(&p.raw) })
        .collect();
    store.reject(account, resource, &rejected).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_bad_row_is_kept_in_part_and_says_its_size() {
        assert_eq!(capped("Ann,today"), "Ann,today");
        let huge = "é".repeat(10_000);
        let kept = capped(&huge);
        assert!(kept.starts_with("éé") && kept.ends_with("… (20000 bytes in all)"), "{}", &kept[kept.len() - 40..]);
        assert!(kept.len() <= KEPT_ROW_BYTES + 40);
    }
}
