//! `workiz-metrics import spend` and the report's cost, through the binary.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_workiz-metrics"))
        .current_dir(dir)
        .args(["--db", "sqlite://metrics.db"])
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run")
}

#[test]
fn spend_imports_idempotently_and_prorates_into_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("spend.csv"),
        "source,date_from,date_to,amount,campaign\nGoogle,2026-10-31,2026-11-02,300,Brand\neLocals,2026-11-01,2026-11-30,\"1,500.00\",\n",
    )
    .expect("write");
    let first = run(dir.path(), &["import", "spend", "spend.csv"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert_eq!(
        String::from_utf8_lossy(&first.stdout),
        "spend.csv: 2 rows, 2 new, 0 updated, 0 unchanged, 0 rejected\n"
    );
    let again = run(dir.path(), &["import", "spend", "spend.csv"]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "spend.csv: 2 rows, 0 new, 0 updated, 2 unchanged, 0 rejected\n"
    );

    // $300 over Oct 31 – Nov 2: 200.00 falls in November; eLocals' 1,500.00 entirely.
    let report = run(dir.path(), &["report", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "json"]);
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).expect("json");
    assert_eq!(json["totals"]["cost"], "1700.00");
    let google = json["by_source"].as_array().and_then(|s| s.iter().find(|r| r["source"] == "Google")).cloned();
    assert_eq!(google.map(|g| g["cost"].clone()), Some(serde_json::json!("200.00")));
    // No leads: cost per lead is unknown, not zero.
    assert_eq!(json["totals"]["cpl"], serde_json::Value::Null);
}

#[test]
fn bad_rows_and_bad_files_are_reported_with_meaningful_exit_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("rows.csv"),
        "source,date_from,date_to,amount\nGoogle,2026-11-01,2026-11-30,10\nRely,2026-13-01,2026-11-30,10\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("header.csv"), "channel,cost\nGoogle,10\n").expect("write");
    let rows = run(dir.path(), &["import", "spend", "rows.csv"]);
    assert_eq!(rows.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&rows.stderr);
    assert!(stderr.contains("rows.csv:3: date_from '2026-13-01' is not a date"), "{stderr}");
    assert!(String::from_utf8_lossy(&rows.stdout).contains("1 new"));
    let header = run(dir.path(), &["import", "spend", "header.csv", "rows.csv"]);
    assert_eq!(header.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&header.stderr);
    assert!(
        stderr.contains("header.csv has the header 'channel,cost': expected source,date_from,date_to,amount"),
        "{stderr}"
    );
    // The other file was still imported (its good row unchanged).
    assert!(
        String::from_utf8_lossy(&header.stdout).contains("rows.csv: 2 rows, 0 new, 0 updated, 1 unchanged, 1 rejected")
    );
    let bad_dates = run(dir.path(), &["report", "--from", "2026-11-30", "--to", "2026-11-01"]);
    assert_eq!(bad_dates.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_dates.stderr).contains("--from: 2026-11-30 is after to 2026-11-01"));
    let bad_format = run(dir.path(), &["report", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "xml"]);
    assert_eq!(bad_format.status.code(), Some(2));
}
