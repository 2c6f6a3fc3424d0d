//! The dashboard through the real server: the numbers it shows equal the JSON report, its links
//! lead to the records behind them, its CSV downloads hold the tables, and the login form guards
//! it when an access token is set.

mod common;

use common::{TestApp, first_source, headline, spawn_app};

#[tokio::test]
async fn the_dashboard_shows_the_reports_numbers_and_links_to_the_records() {
    let app = spawn_app(None).await;
    let (status, html) = app.page("/?preset=custom&from=2026-11-01&to=2026-11-30&compare=previous").await;
    assert_eq!(status, 200);
    let (_, report) = app.json("/api/v1/report?from=2026-11-01&to=2026-11-30").await;
    for key in ["leads", "units", "repairs"] {
        assert_eq!(headline(&html, key), report["totals"][key].to_string(), "{key}");
    }
    for key in ["revenue_gross", "revenue40", "cost", "profit"] {
        assert_eq!(headline(&html, key), report["totals"][key].as_str().unwrap_or("—"), "{key}");
    }
    assert!(html.contains("compared with 2026-10-02 to 2026-10-31"), "the previous 30 days");
    // The repairs of the first source link to exactly those jobs.
    let (source, repairs) = first_source(&report);
    let link = app.link_in(&html, &format!("data-source=\"{source}\""), "kind=repairs").expect("repairs link");
    let (status, page) = app.page(&link).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("<span id=\"total\">{repairs}</span>")), "{link}");
    assert!(page.contains("https://app.workiz.com/root/job/"));
    // So do the leads.
    let leads = report["by_source"][0]["leads"].as_u64().expect("leads");
    let leads_link = app.link_in(&html, &format!("data-source=\"{source}\""), "/leads?").expect("leads link");
    let (status, page) = app.page(&leads_link).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("<span id=\"total\">{leads}</span>")), "{leads_link}");
    // Every table downloads as CSV.
    let (status, csv) = app.page("/export/report.csv?from=2026-11-01&to=2026-11-30&slice=source").await;
    assert_eq!(status, 200);
    assert_eq!(csv.lines().count() - 1, report["by_source"].as_array().map_or(0, Vec::len));
    let (status, csv) = app.page(&link.replace("/jobs?", "/export/jobs.csv?")).await;
    assert_eq!(status, 200);
    assert_eq!(csv.lines().count() - 1, repairs as usize);
    // Presets and a bad parameter.
    assert_eq!(app.page("/?preset=last_month").await.0, 200);
    assert_eq!(app.page("/?preset=someday").await.0, 400);
    assert_eq!(app.page("/?preset=custom&from=2026-11-30&to=2026-11-01").await.0, 400);
    // An unknown kind of job is refused, not read as all jobs.
    assert_eq!(app.page("/jobs?from=2026-11-01&to=2026-11-30&kind=refunds").await.0, 400);
    assert_eq!(app.page("/export/jobs.csv?from=2026-11-01&to=2026-11-30&kind=refunds").await.0, 400);
}

#[tokio::test]
async fn with_an_access_token_the_pages_need_a_sign_in() {
    let app: TestApp = spawn_app(Some("auth_9d3f")).await;
    let response = app.http_no_redirect.get(format!("{}/", app.base)).send().await.expect("get");
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/login");
    let wrong =
        app.http_no_redirect.post(format!("{}/login", app.base)).form(&[("token", "nope")]).send().await.expect("post");
    assert_eq!(wrong.status().as_u16(), 401);
    let right = app
        .http_no_redirect
        .post(format!("{}/login", app.base))
        .form(&[("token", "auth_9d3f")])
        .send()
        .await
        .expect("post");
    assert_eq!(right.status().as_u16(), 303);
    let cookie = right
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("workiz_metrics_session="))
        .expect("a session cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("auth_9d3f"), "the cookie holds a session, not the token: {cookie}");
    // The cookie of earlier versions, which held the token, is dropped.
    let forget = right
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("workiz_metrics_token=;") && v.contains("Max-Age=0"));
    assert!(forget, "{:?}", right.headers());
    let pair = cookie.split(';').next().expect("pair").to_owned();
    let page =
        app.http_no_redirect.get(format!("{}/", app.base)).header("cookie", pair.clone()).send().await.expect("get");
    assert_eq!(page.status().as_u16(), 200);
    let body = page.text().await.expect("body");
    assert!(!body.contains("auth_9d3f"), "the token never appears on a page");
    // The session opens the API too; a forged one opens nothing.
    let api = format!("{}/api/v1/sync/runs", app.base);
    let with_session = app.http_no_redirect.get(&api).header("cookie", pair).send().await.expect("get");
    assert_eq!(with_session.status().as_u16(), 200);
    let forged = app
        .http_no_redirect
        .get(&api)
        .header("cookie", "workiz_metrics_session=4102444800.00ff")
        .send()
        .await
        .expect("get");
    assert_eq!(forged.status().as_u16(), 401);
}

#[tokio::test]
async fn sign_ins_are_rate_limited() {
    let app: TestApp = spawn_app(Some("auth_9d3f")).await;
    let attempt =
        |token: &'static str| app.http_no_redirect.post(format!("{}/login", app.base)).form(&[("token", token)]).send();
    // Ten guesses are answered; the eleventh is refused without being checked, the right token
    // included, until the budget refills.
    for _ in 0..10 {
        assert_eq!(attempt("guess").await.expect("post").status().as_u16(), 401);
    }
    let refused = attempt("auth_9d3f").await.expect("post");
    assert_eq!(refused.status().as_u16(), 429);
    assert_eq!(refused.headers()["retry-after"], "60");
}
