//! The drop folder: CSV files left in `inbox_dir` are recognised by their header, imported, and
//! moved to `done/` or `failed/` with a report beside them, so a file is handled exactly once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use chrono_tz::Tz;
use store::Store;

use crate::import::{FileImport, ImportError};

/// What kind of file a header says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jobs,
    Leads,
    Calls,
    Payments,
    Spend,
}

/// Recognises a Workiz export or a product file by the columns only it has.
pub fn recognise(header_line: &str) -> Option<FileKind> {
    let columns: Vec<String> = header_line
        .split(',')
        .map(|c| c.trim().trim_matches('"').trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let has = |name: &str| columns.iter().any(|c| c == name);
    if has("job #") {
        Some(FileKind::Jobs)
    } else if has("lead #") {
        Some(FileKind::Leads)
    } else if has("from number") && has("flow") {
        Some(FileKind::Calls)
    } else if has("payment_id") {
        Some(FileKind::Payments)
    } else if has("date_from") && has("amount") {
        Some(FileKind::Spend)
    } else {
        None
    }
}

/// What happened to one dropped file.
#[derive(Debug)]
pub struct InboxResult {
    pub file: PathBuf,
    pub moved_to: PathBuf,
    pub outcome: Result<FileImport, String>,
}

async fn import(
    store: &Store,
    account: &str,
    path: &Path,
    tz: Tz,
    today: NaiveDate,
) -> Result<FileImport, ImportError> {
    let head = crate::import::read_file(path)?;
    let first_line = String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_owned();
    let kind = recognise(&first_line).ok_or_else(|| ImportError::Unusable {
        file: path.display().to_string(),
        reason: format!(
            "the header '{first_line}' is not a Workiz jobs, leads or calls export, a payments file or a spend file"
        ),
    })?;
    match kind {
        FileKind::Jobs => crate::import_jobs(store, account, path, tz).await,
        FileKind::Leads => crate::import_leads(store, account, path, tz).await,
        FileKind::Calls => crate::import_calls(store, account, path, None, today).await,
        FileKind::Payments => crate::import_payments(store, account, path, tz).await,
        FileKind::Spend => crate::import_spend(store, account, path).await,
    }
}

fn report(result: &Result<FileImport, String>) -> String {
    match result {
        Ok(import) => {
            let c = import.counts;
            let mut text = format!(
                "imported: {} rows, {} new, {} updated, {} unchanged, {} kept aside\n",
                import.rows,
                c.inserted,
                c.updated,
                c.unchanged,
                import.problems.len()
            );
            if let Some(note) = &import.note {
                text.push_str(&format!("note: {note}\n"));
            }
            for p in &import.problems {
                text.push_str(&format!("line {}: {}\n", p.line, p.reason));
            }
            text
        }
        Err(reason) => format!("not imported: {reason}\n"),
    }
}

/// Imports every file directly in `dir` (not in `done/` or `failed/`). A store error stops the
/// pass and leaves the file where it is, to be tried again.
///
/// A file changed within the last `settled_for` is left for the next pass: it may still be being
/// copied in, and importing it then would load part of it and move it away from its writer.
pub async fn process_inbox(
    store: &Store,
    account: &str,
    dir: &Path,
    tz: Tz,
    today: NaiveDate,
    settled_for: Duration,
) -> Result<Vec<InboxResult>, ImportError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| ImportError::Read { file: dir.display().to_string(), source })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    let mut results = Vec::new();
    for file in files {
        // A time ahead of the clock (an archive from a host whose clock runs fast) is not a copy
        // under way: only a recent time is.
        let Ok(modified) = std::fs::metadata(&file).and_then(|m| m.modified()) else { continue };
        if modified.elapsed().is_ok_and(|age| age < settled_for) {
            tracing::info!(file = %file.display(), "inbox file left for the next pass: it changed moments ago");
            continue;
        }
        let outcome = match import(store, account, &file, tz, today).await {
            // The database is the problem, not the file: leave it for the next pass.
            Err(ImportError::Store(e)) => return Err(ImportError::Store(e)),
            other => other.map_err(|e| e.to_string()),
        };
        let folder = if outcome.is_ok() { "done" } else { "failed" };
        let target_dir = dir.join(folder);
        let name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        let moved_to = target_dir.join(&name);
        let moved =
            std::fs::create_dir_all(&target_dir).and_then(|()| std::fs::rename(&file, &moved_to)).and_then(|()| {
                std::fs::write(target_dir.join(format!("{}.report.txt", name.to_string_lossy())), report(&outcome))
            });
        if let Err(source) = moved {
            return Err(ImportError::Read { file: file.display().to_string(), source });
        }
        tracing::info!(file = %file.display(), folder, "inbox file handled");
        results.push(InboxResult { file, moved_to, outcome });
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_say_what_a_file_is() {
        assert_eq!(recognise("Job #,Client,Tags,Job Type,Job Date"), Some(FileKind::Jobs));
        assert_eq!(recognise("Lead #,Status,Tags,Source"), Some(FileKind::Leads));
        assert_eq!(recognise("From,\"From number\",To,\"To number\",Time,Flow"), Some(FileKind::Calls));
        assert_eq!(recognise("payment_id,job_uuid,paid_at,amount,method"), Some(FileKind::Payments));
        assert_eq!(recognise("\u{feff}source,date_from,date_to,amount"), Some(FileKind::Spend));
        assert_eq!(recognise("name,email"), None);
    }
}
