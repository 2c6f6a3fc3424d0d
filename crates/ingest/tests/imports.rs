//! Calls and payments from Workiz-format CSV files, on SQLite always and on PostgreSQL when
//! `WORKIZ_METRICS_TEST_PG` is set: the stored rows equal the simulator's ground truth, imports are
//! idempotent, and broken files are rejected or kept aside with their line numbers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;
use ingest::{ImportError, import_calls, import_payments};
use store::Store;
use workiz_sim::{Account, AccountShape};

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
}

async fn backends() -> Vec<(tempfile::TempDir, Store)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("imports.db").display());
    let mut stores = vec![(dir, Store::connect(&url).await.expect("sqlite"))];
    if let Ok(url) = std::env::var("WORKIZ_METRICS_TEST_PG") {
        stores.push((tempfile::tempdir().expect("tempdir"), Store::connect(&url).await.expect("postgres")));
    }
    stores
}

fn unique(name: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{name}-{nanos}")
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

#[tokio::test]
async fn a_calls_export_loads_exactly_and_only_once() {
    let account_data = Account::generate(&AccountShape::new(4, 40, last_day()));
    let from = last_day() - chrono::Duration::days(29);
    for (dir, store) in backends().await {
        let account = unique("calls");
        let path = write(&dir, "calls.csv", account_data.calls_export(from, last_day()).as_bytes());
        // The export has no year: it is inferred, and said.
        let import =
            import_calls(&store, &account, &path, None, last_day() + chrono::Duration::days(3)).await.expect("import");
        assert!(import.problems.is_empty(), "{:?}", import.problems.first());
        assert!(import.note.as_deref().is_some_and(|n| n.contains("2026")), "{:?}", import.note);
        let truth: Vec<_> = account_data.calls.iter().filter(|c| c.time.date() >= from).collect();
        assert_eq!(import.counts.inserted as usize, truth.len());

        let mut by_source: HashMap<String, u64> = HashMap::new();
        for call in &truth {
            *by_source.entry(call.ad_group.clone().unwrap_or_else(|| call.flow.clone())).or_default() += 1;
        }
        let report = calls_by_source(&store, &account, from).await;
        assert_eq!(report.0, truth.len() as u64, "total calls");
        for (source, calls) in &by_source {
            assert_eq!(report.1.get(source), Some(calls), "calls from {source}");
        }

        let again = import_calls(&store, &account, &path, Some(2026), last_day()).await.expect("again");
        assert_eq!((again.counts.inserted, again.counts.updated), (0, 0));
        assert_eq!(again.counts.unchanged as usize, truth.len());
        // The calls that led to a job keep its UUID, so calls → jobs can be followed.
        let linked = truth.iter().filter(|c| c.job_uuid.is_some()).count();
        assert!(linked > 0);
        let stored_linked = store.calls_linked_to_jobs(&account).await.expect("linked");
        assert_eq!(stored_linked as usize, linked);
        // The drill-down reads them back with their answered flag (BOOLEAN or 0/1).
        let listed = store.calls_between(&account, &from.to_string(), &last_day().to_string()).await.expect("calls");
        assert_eq!(listed.len(), truth.len());
        let answered = listed.iter().filter(|c| c.answered == Some(true)).count();
        assert_eq!(answered, truth.iter().filter(|c| c.answered).count());
        store.close().await;
    }
}

/// (total calls, calls by source) from the daily rollups over the 30 days.
async fn calls_by_source(store: &Store, account: &str, from: NaiveDate) -> (u64, HashMap<String, u64>) {
    store.refresh_rollups(account).await.expect("rollups");
    let groups = store
        .call_groups(account, &from.to_string(), &last_day().to_string(), store::Grain::Whole)
        .await
        .expect("groups");
    let mut by_source: HashMap<String, u64> = HashMap::new();
    for g in &groups {
        *by_source.entry(g.source.clone().unwrap_or_default()).or_default() += g.calls as u64;
    }
    (by_source.values().sum(), by_source)
}

#[tokio::test]
async fn payments_load_exactly_and_only_once() {
    let account_data = Account::generate(&AccountShape::new(8, 30, last_day()));
    let from = last_day() - chrono::Duration::days(29);
    for (dir, store) in backends().await {
        let account = unique("payments");
        let path = write(&dir, "payments.csv", account_data.payments_export(from, last_day()).as_bytes());
        let import = import_payments(&store, &account, &path, chrono_tz::UTC).await.expect("import");
        assert!(import.problems.is_empty(), "{:?}", import.problems.first());
        let truth: Vec<_> = account_data.payments().collect();
        assert_eq!(import.counts.inserted as usize, truth.len());
        let facts = store.payment_facts(&account, "2000-01-01", "2100-01-01").await.expect("payments");
        assert_eq!(
            facts.iter().map(|p| p.amount_cents).sum::<i64>(),
            truth.iter().map(|p| p.amount_cents).sum::<i64>()
        );
        let again = import_payments(&store, &account, &path, chrono_tz::UTC).await.expect("again");
        assert_eq!(again.counts.unchanged as usize, truth.len());
        store.close().await;
    }
}

#[tokio::test]
async fn broken_files_are_rejected_or_kept_aside_by_line() {
    for (dir, store) in backends().await {
        let account = unique("broken");
        let header = "From,\"From number\",To,\"To number\",Time,Flow,\"Ad group\",Answered,Job,\"Job ID\",Duration\n";
        let good = "Ann,(813) 555-0101,Main,(813) 555-0100,\"Wed Dec 17th, 03:21PM\",eLocals,,Yes,,,3 Min 25 Sec\n";
        let bad_time = "Bob,(813) 555-0102,Main,(813) 555-0100,\"Thu Dec 17th, 03:21PM\",eLocals,,Yes,,,30 Sec\n";
        let bad_duration =
            "Cy,(813) 555-0103,Main,(813) 555-0100,\"Wed Dec 17th, 04:00PM\",GoogleAds,Brand,No,,,forever\n";
        let latin1: &[u8] =
            b"Jos\xe9,(813) 555-0104,Main,(813) 555-0100,\"Wed Dec 17th, 05:00PM\",eLocals,,Yes,,,1 Min\n";
        let mut bytes = format!("{header}{good}{bad_time}{bad_duration}").into_bytes();
        bytes.extend_from_slice(latin1);
        bytes.extend_from_slice(good.replace("0101", "0105").as_bytes());
        let path = write(&dir, "mixed.csv", &bytes);
        let import = import_calls(&store, &account, &path, Some(2025), last_day()).await.expect("import");
        assert_eq!(import.counts.inserted, 2, "the good rows load");
        let lines: Vec<(u64, &str)> = import.problems.iter().map(|p| (p.line, p.reason.as_str())).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].0 == 3 && lines[0].1.contains("not a Thu"), "{lines:?}");
        assert!(lines[1].0 == 4 && lines[1].1.contains("Duration 'forever'"), "{lines:?}");
        assert!(lines[2].0 == 5 && lines[2].1.contains("UTF-8"), "{lines:?}");
        // Each kept with its row: the columns of a row that fit the header, the line of one that
        // does not.
        let mut kept = store.rejected(&account, "calls").await.expect("rejected");
        kept.sort_by(|a, b| a.key.cmp(&b.key));
        assert_eq!(kept.len(), 3);
        assert!(kept[0].raw.contains(r#""From":"Bob""#) && kept[0].raw.contains("Thu Dec 17th"), "{:?}", kept[0]);
        assert!(kept[1].raw.contains(r#""Duration":"forever""#), "{:?}", kept[1]);
        assert!(kept[2].raw.starts_with("Jos\u{FFFD},(813) 555-0104,Main,"), "{:?}", kept[2]);

        let wrong = write(&dir, "wrong.csv", b"Caller,When\nAnn,today\n");
        let err = import_calls(&store, &account, &wrong, Some(2025), last_day()).await.expect_err("header");
        let text = err.to_string();
        assert!(text.contains("expected From,\"From number\"") && text.contains("missing From"), "{text}");
        let empty = write(&dir, "empty.csv", b"");
        assert!(matches!(
            import_calls(&store, &account, &empty, None, last_day()).await,
            Err(ImportError::Empty { .. })
        ));
        let utf16 = write(&dir, "utf16.csv", b"\xFF\xFEF\x00r\x00o\x00m\x00");
        let err = import_payments(&store, &account, &utf16, chrono_tz::UTC).await.expect_err("encoding");
        assert!(err.to_string().contains("UTF-16"), "{err}");
        let payments = write(&dir, "payments.csv", b"payment_id,job_uuid,paid_at,amount,method\nP1,AB12CD,2026-11-02 10:00:00,50,Cash\nP2,AB12CD,someday,50,Cash\nP3,AB12CD,2026-11-03T15:00:00Z,\"1,250.10\",Check\n");
        let import = import_payments(&store, &account, &payments, chrono_tz::UTC).await.expect("payments");
        assert_eq!(import.counts.inserted, 2);
        assert_eq!(import.problems.iter().map(|p| p.line).collect::<Vec<_>>(), vec![3]);
        let facts = store.payment_facts(&account, "2026-11-01", "2026-11-30").await.expect("facts");
        assert_eq!(facts.iter().map(|p| p.amount_cents).sum::<i64>(), 5_000 + 125_010);
        store.close().await;
    }
}

#[tokio::test]
async fn reconciliation_lists_paid_mismatches_and_calls_to_unknown_jobs() {
    for (dir, store) in backends().await {
        let account = unique("reconcile");
        let job = |uuid: &str, paid: i64| store::JobRow {
            uuid: uuid.to_owned(),
            serial_id: None,
            status: Some("Done".into()),
            sub_status: None,
            job_type: Some("COD Service".into()),
            source: Some("Google".into()),
            scheduled_at: None,
            created_at: None,
            day: Some("2026-11-02".into()),
            client_id: None,
            total_cents: Some(paid),
            amount_due_cents: Some(0),
            paid_cents: Some(paid),
            phone: None,
            team: None,
            origin: store::Origin::Api,
            raw: format!("{{\"UUID\":\"{uuid}\"}}"),
        };
        store.upsert_jobs(&account, vec![job("AAAAAA", 15_000), job("BBBBBB", 9_000)]).await.expect("jobs");
        let payments = write(
            &dir,
            "p.csv",
            b"payment_id,job_uuid,paid_at,amount,method\nP1,AAAAAA,2026-11-02,100,Cash\nP2,AAAAAA,2026-11-03,50,Check\nP3,BBBBBB,2026-11-02,80,Cash\n",
        );
        import_payments(&store, &account, &payments, chrono_tz::UTC).await.expect("payments");
        let calls = write(
            &dir,
            "c.csv",
            b"From,\"From number\",To,\"To number\",Time,Flow,\"Ad group\",Answered,Job,\"Job ID\",Duration\n\
              A,8135550101,M,8135550100,\"Mon Nov 2nd, 09:00AM\",eLocals,,Yes,AAAAAA,1,1 Min\n\
              B,8135550102,M,8135550100,\"Mon Nov 2nd, 09:05AM\",eLocals,,Yes,ZZZZZZ,2,1 Min\n",
        );
        import_calls(&store, &account, &calls, Some(2026), last_day()).await.expect("calls");
        let r = store.reconcile(&account, 10).await.expect("reconcile");
        // AAAAAA: 150.00 paid = 100 + 50 in payments. BBBBBB: 90.00 paid, 80.00 in payments.
        assert_eq!(r.paid_mismatches, 1);
        assert_eq!(r.examples[0].uuid, "BBBBBB");
        assert_eq!((r.examples[0].paid_cents, r.examples[0].payments_cents), (9_000, 8_000));
        assert_eq!((r.calls_linked_to_jobs, r.calls_with_unknown_job), (2, 1));
        store.close().await;
    }
}

fn syncer(store: &Store, sim: &workiz_sim::Simulator, account: &str) -> ingest::Syncer {
    let mut config = workiz::ClientConfig::new(sim.base_url(), workiz::ApiToken::parse(sim.token()).expect("token"));
    config.rate_limit = None;
    let mut settings = ingest::SyncSettings::new(account, chrono_tz::UTC);
    settings.today = Some(last_day());
    ingest::Syncer::new(store.clone(), workiz::Client::new(config).expect("client"), settings)
}

fn jobs_and_leads(since: NaiveDate) -> ingest::SyncOptions {
    ingest::SyncOptions {
        resources: vec![ingest::Resource::Jobs, ingest::Resource::Leads],
        since: Some(since),
        full: false,
    }
}

#[tokio::test]
async fn jobs_and_leads_exports_load_and_merge_with_the_api() {
    let from = last_day() - chrono::Duration::days(29);
    for (dir, store) in backends().await {
        let mut config = workiz_sim::SimConfig::new(6, 30, last_day());
        config.rate_limit = None;
        let sim = workiz_sim::Simulator::start_local(config).await.expect("sim");
        let (jobs_csv, leads_csv) =
            sim.with_truth(|a| (a.jobs_export(from, last_day()), a.leads_export(from, last_day())));
        let jobs_path = write(&dir, "jobs.csv", jobs_csv.as_bytes());
        let leads_path = write(&dir, "leads.csv", leads_csv.as_bytes());

        // An account whose history comes from exports only: the rows are the export's.
        let csv_only = unique("csv-only");
        let import = ingest::import_jobs(&store, &csv_only, &jobs_path, chrono_tz::UTC).await.expect("jobs");
        assert!(import.problems.is_empty(), "{:?}", import.problems.first());
        let truth = sim.truth();
        assert_eq!(import.counts.inserted as usize, truth.jobs.len());
        let stored = store.jobs(&csv_only).await.expect("stored");
        for job in &stored {
            let t = truth.job(&job.row.uuid).expect("known job");
            assert_eq!(job.row.day, Some(t.list_time().date().to_string()), "{}", t.uuid);
            assert_eq!(job.row.paid_cents, Some(t.paid_cents()), "Amount Paid is paid for {}", t.uuid);
            assert_eq!(job.row.total_cents, Some(t.total_cents));
            assert_eq!(job.row.origin, store::Origin::Csv);
            let names: Vec<&str> = t.team.iter().map(|m| m.name.as_str()).collect();
            assert_eq!(job.row.team.clone().unwrap_or_default(), names.join(", "));
            if let Some((_, brand)) = t.custom.iter().find(|(k, _)| k == "Appliance Brand") {
                assert!(job.row.raw.contains(&format!("\"Appliance Brand\":\"{brand}\"")), "custom column kept");
            }
        }
        let again = ingest::import_jobs(&store, &csv_only, &jobs_path, chrono_tz::UTC).await.expect("again");
        assert_eq!((again.counts.inserted, again.counts.updated), (0, 0));
        let leads = ingest::import_leads(&store, &csv_only, &leads_path, chrono_tz::UTC).await.expect("leads");
        assert!(leads.problems.is_empty(), "{:?}", leads.problems.first());
        assert_eq!(leads.counts.inserted as usize, truth.leads.len());

        // An account synced from the API, then given the same exports: one row per record, the
        // API's fields kept, the export remembered.
        let merged = unique("merged");
        let api = syncer(&store, &sim, &merged);
        api.run(&jobs_and_leads(from), &()).await.expect("sync");
        let before = store.jobs(&merged).await.expect("jobs");
        let import = ingest::import_jobs(&store, &merged, &jobs_path, chrono_tz::UTC).await.expect("import");
        assert_eq!(import.counts.inserted, 0, "no second row for a job the API knows");
        assert_eq!(import.counts.updated as usize, truth.jobs.len());
        let after = store.jobs(&merged).await.expect("jobs");
        assert_eq!(after.len(), before.len());
        for (a, b) in after.iter().zip(&before) {
            let mut expected = b.row.clone();
            // The API's timestamps are kept (the export has days only).
            expected.origin = store::Origin::Api;
            assert_eq!(a.row, expected, "API fields win for {}", a.row.uuid);
        }
        assert_eq!(
            store.origin_counts(&merged, "jobs").await.expect("origins"),
            vec![("api+csv".to_owned(), truth.jobs.len() as i64)]
        );
        // A later API pass leaves the merged rows alone, and they stay merged.
        let outcome = api.run(&jobs_and_leads(from), &()).await.expect("sync again");
        assert_eq!(outcome[0].totals.unchanged as usize, truth.jobs.len());
        assert_eq!(
            store.origin_counts(&merged, "jobs").await.expect("origins"),
            vec![("api+csv".to_owned(), truth.jobs.len() as i64)]
        );

        // Export first, API second: the API takes over and the row remembers both.
        let later = unique("export-first");
        ingest::import_jobs(&store, &later, &jobs_path, chrono_tz::UTC).await.expect("import");
        syncer(&store, &sim, &later).run(&jobs_and_leads(from), &()).await.expect("sync");
        let api_rows = store.jobs(&merged).await.expect("jobs");
        let later_rows = store.jobs(&later).await.expect("jobs");
        for (a, b) in later_rows.iter().zip(&api_rows) {
            assert_eq!(a.row, b.row, "{}", a.row.uuid);
        }
        assert_eq!(
            store.origin_counts(&later, "jobs").await.expect("origins"),
            vec![("api+csv".to_owned(), truth.jobs.len() as i64)]
        );
        store.close().await;
    }
}

#[tokio::test]
async fn the_drop_folder_imports_each_file_once_and_files_it_with_a_report() {
    let data = Account::generate(&AccountShape::new(12, 10, last_day()));
    let from = last_day() - chrono::Duration::days(9);
    for (dir, store) in backends().await {
        let account = unique("inbox");
        let inbox = dir.path().join("inbox");
        std::fs::create_dir_all(&inbox).expect("inbox");
        std::fs::write(inbox.join("calls.csv"), data.calls_export(from, last_day())).expect("calls");
        std::fs::write(inbox.join("payments.csv"), data.payments_export(from, last_day())).expect("payments");
        std::fs::write(inbox.join("notes.csv"), "name,email\nAnn,a@example.com\n").expect("notes");
        // Files written moments ago may still be being copied in: they wait for the next pass.
        let hour = Duration::from_secs(3600);
        let early = ingest::process_inbox(&store, &account, &inbox, chrono_tz::UTC, last_day(), hour).await;
        assert!(early.expect("early pass").is_empty());
        assert!(inbox.join("calls.csv").exists() && !inbox.join("done").exists());
        // A time ahead of the clock (unpacked from a host whose clock runs fast) is not a copy
        // under way.
        let ahead = std::time::SystemTime::now() + Duration::from_secs(3600);
        for name in ["calls.csv", "payments.csv", "notes.csv"] {
            std::fs::File::options()
                .write(true)
                .open(inbox.join(name))
                .and_then(|f| f.set_modified(ahead))
                .expect("time");
        }
        let results =
            ingest::process_inbox(&store, &account, &inbox, chrono_tz::UTC, last_day(), Duration::from_secs(60))
                .await
                .expect("inbox");
        assert_eq!(results.len(), 3);
        assert!(inbox.join("done/calls.csv").exists() && inbox.join("done/payments.csv").exists());
        assert!(inbox.join("failed/notes.csv").exists());
        let report = std::fs::read_to_string(inbox.join("failed/notes.csv.report.txt")).expect("report");
        assert!(report.contains("not imported") && report.contains("'name,email'"), "{report}");
        let report = std::fs::read_to_string(inbox.join("done/calls.csv.report.txt")).expect("report");
        assert!(
            report.starts_with(&format!(
                "imported: {} rows",
                data.calls.iter().filter(|c| c.time.date() >= from).count()
            )),
            "{report}"
        );
        assert_eq!(store.row_count(&account, "payments").await.expect("count") as usize, data.payments().count());
        // Nothing is left to do on the next pass.
        assert!(
            ingest::process_inbox(&store, &account, &inbox, chrono_tz::UTC, last_day(), Duration::ZERO)
                .await
                .expect("again")
                .is_empty()
        );
        store.close().await;
    }
}
