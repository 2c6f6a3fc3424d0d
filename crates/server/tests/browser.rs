//! The dashboard in headless Chromium (installed by `.ci/run` from Debian's package): the period is
//! changed, a drill-down link followed, the numbers shown compared with the JSON report, and a
//! screenshot saved as target/dashboard.png. Without Chromium the test is skipped, except in CI.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{first_source, headline, spawn_app};

fn chromium() -> Option<PathBuf> {
    let candidates =
        [std::env::var("CHROMIUM").ok(), Some("/usr/bin/chromium".into()), Some("/usr/bin/chromium-browser".into())];
    candidates.into_iter().flatten().map(PathBuf::from).find(|p| p.exists())
}

/// Runs Chromium headless on `url` with `extra` arguments and returns its standard output.
async fn chromium_run(binary: PathBuf, url: String, extra: Vec<String>) -> String {
    tokio::task::spawn_blocking(move || {
        let profile = tempfile::tempdir().expect("profile");
        let output = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("--virtual-time-budget=5000")
            .args(extra)
            .arg(url)
            .output()
            .expect("chromium runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    })
    .await
    .expect("chromium task")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_in_a_browser_shows_the_reports_numbers() {
    let Some(binary) = chromium() else {
        assert!(std::env::var("CI").is_err(), "Chromium is missing: .ci/run installs the chromium package");
        eprintln!("Chromium is not installed: browser test skipped");
        return;
    };
    let app = spawn_app(None).await;
    // Change the period: October, by week, compared with the same month last year.
    let url = format!("{}/?preset=custom&from=2026-10-01&to=2026-10-31&by=week&compare=last_year", app.base);
    let dom = chromium_run(binary.clone(), url.clone(), vec!["--dump-dom".into()]).await;
    assert!(dom.contains("<canvas"), "the chart was drawn by the page's script");
    let (_, report) = app.json("/api/v1/report?from=2026-10-01&to=2026-10-31").await;
    for key in ["leads", "units", "repairs"] {
        assert_eq!(headline(&dom, key), report["totals"][key].to_string(), "{key}");
    }
    assert_eq!(headline(&dom, "revenue_gross"), report["totals"]["revenue_gross"].as_str().unwrap_or_default());
    // Follow the drill-down link of the first source's repairs.
    let (source, repairs) = first_source(&report);
    let link = app.link_in(&dom, &format!("data-source=\"{source}\""), "kind=repairs").expect("repairs link");
    let drill = chromium_run(binary.clone(), format!("{}{link}", app.base), vec!["--dump-dom".into()]).await;
    assert!(drill.contains(&format!("<span id=\"total\">{repairs}</span>")), "{link}");
    // A picture of the page, for people.
    let shot = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/dashboard.png");
    let _ = std::fs::remove_file(&shot);
    chromium_run(binary, url, vec![format!("--screenshot={}", shot.display()), "--window-size=1280,1600".into()]).await;
    assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000), "screenshot saved at {}", shot.display());
}
