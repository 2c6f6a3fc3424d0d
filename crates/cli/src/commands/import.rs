use std::io::Write;

use anyhow::anyhow;
use ingest::ImportError;

use crate::args::{GlobalArgs, ImportArgs, ImportKind};
use crate::exit::{FAILED, Failure, USAGE};
use crate::settings::Settings;

/// Imports each file; a file that cannot be read at all does not stop the others. Exit 2 when a
/// file was rejected as a whole, 1 when rows were kept aside, 0 when everything loaded.
pub async fn run(global: &GlobalArgs, args: ImportArgs) -> Result<(), Failure> {
    let settings = Settings::load(global)?;
    let store = super::open_store(&settings).await?;
    let today = chrono::Utc::now().with_timezone(&settings.timezone).date_naive();
    let files = match &args.kind {
        ImportKind::Spend { files }
        | ImportKind::Calls { files, .. }
        | ImportKind::Jobs { files }
        | ImportKind::Leads { files }
        | ImportKind::Payments { files } => files.clone(),
    };
    let mut out = std::io::stdout().lock();
    let mut rejected_files = 0;
    let mut rejected_rows = 0;
    for path in &files {
        let account = &settings.account;
        let result = match &args.kind {
            ImportKind::Spend { .. } => ingest::import_spend(&store, account, path).await,
            ImportKind::Calls { year, .. } => ingest::import_calls(&store, account, path, *year, today).await,
            ImportKind::Jobs { .. } => ingest::import_jobs(&store, account, path, settings.timezone).await,
            ImportKind::Leads { .. } => ingest::import_leads(&store, account, path, settings.timezone).await,
            ImportKind::Payments { .. } => ingest::import_payments(&store, account, path, settings.timezone).await,
        };
        match result {
            Ok(import) => {
                if let Some(note) = &import.note {
                    eprintln!("{}: {note}", import.file);
                }
                let c = import.counts;
                writeln!(
                    out,
                    "{}: {} rows, {} new, {} updated, {} unchanged, {} rejected",
                    import.file,
                    import.rows,
                    c.inserted,
                    c.updated,
                    c.unchanged,
                    import.problems.len()
                )
                .map_err(Failure::failed)?;
                for problem in &import.problems {
                    eprintln!("{}:{}: {}", import.file, problem.line, problem.reason);
                }
                rejected_rows += import.problems.len();
            }
            Err(ImportError::Store(e)) => return Err(Failure::failed(e)),
            Err(e) => {
                eprintln!("error: {e}");
                rejected_files += 1;
            }
        }
    }
    store.close().await;
    if rejected_files > 0 {
        return Err(Failure {
            code: USAGE,
            error: anyhow!("{rejected_files} of {} files were not imported", files.len()),
        });
    }
    if rejected_rows > 0 {
        return Err(Failure {
            code: FAILED,
            error: anyhow!("{rejected_rows} rows were kept aside (listed above); the other rows were imported"),
        });
    }
    Ok(())
}
