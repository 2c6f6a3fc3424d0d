//! The client against the simulator: every envelope, offset meaning and fault, with the decoded
//! result compared to the simulator's ground truth.

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDate;
use futures::TryStreamExt;
use serde_json::json;
use workiz::{
    ApiToken, Client, ClientConfig, EndpointAvailability, Error, Job, Lead, ListQuery, Lookup, OffsetMode, RecordError,
    RetryPolicy,
};
use workiz_sim::{EnvelopeStyle, Fault, FaultRates, OffsetMeaning, SimConfig, SimJob, SimLead, Simulator};

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
}

fn sim_config(days: u32) -> SimConfig {
    let mut config = SimConfig::new(42, days, last_day());
    config.rate_limit = None;
    config
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 8,
        min_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
        throttle_pause: Duration::from_millis(20),
    }
}

fn client_config(sim: &Simulator) -> ClientConfig {
    let mut config = ClientConfig::new(sim.base_url(), ApiToken::parse(sim.token()).expect("token"));
    config.rate_limit = None;
    config.retry = fast_retries();
    config.timeout = Duration::from_secs(5);
    config
}

fn client(sim: &Simulator) -> Client {
    Client::new(client_config(sim)).expect("client")
}

struct Listing<T> {
    records: Vec<T>,
    rejected: Vec<RecordError>,
    duplicates: usize,
}

async fn list_jobs(client: &Client, since: NaiveDate) -> Result<Listing<Job>, Error> {
    let pages: Vec<_> = client.jobs(ListQuery::since(since)).try_collect().await?;
    Ok(flatten(pages))
}

async fn list_leads(client: &Client, since: NaiveDate) -> Result<Listing<Lead>, Error> {
    let pages: Vec<_> = client.leads(ListQuery::since(since)).try_collect().await?;
    Ok(flatten(pages))
}

fn flatten<T>(pages: Vec<workiz::Page<T>>) -> Listing<T> {
    let mut listing = Listing { records: vec![], rejected: vec![], duplicates: 0 };
    for page in pages {
        listing.duplicates += page.duplicates;
        for record in page.records {
            match record {
                Ok(r) => listing.records.push(r),
                Err(e) => listing.rejected.push(e),
            }
        }
    }
    listing
}

fn expected_jobs(sim: &Simulator, since: NaiveDate) -> Vec<SimJob> {
    let start = since.and_hms_opt(0, 0, 0).expect("time");
    sim.with_truth(|a| a.jobs.iter().filter(|j| j.list_time() >= start).cloned().collect())
}

fn assert_job_matches(job: &Job, truth: &SimJob) {
    let uuid = &truth.uuid;
    assert_eq!(job.serial_id, Some(truth.serial_id.to_string()), "{uuid} serial");
    assert_eq!(job.status.as_deref(), Some(truth.status.as_str()), "{uuid} status");
    assert_eq!(job.sub_status.as_deref(), Some(truth.sub_status.as_str()).filter(|s| !s.is_empty()), "{uuid}");
    assert_eq!(job.job_type.as_deref(), Some(truth.job_type.trim()), "{uuid} type");
    assert_eq!(job.source, truth.source, "{uuid} source");
    assert_eq!(job.scheduled.map(|t| t.wall_clock()), truth.scheduled, "{uuid} scheduled");
    assert_eq!(job.created.map(|t| t.wall_clock()), Some(truth.created), "{uuid} created");
    assert_eq!(job.client_id, Some(truth.client_id.to_string()), "{uuid} client");
    assert_eq!(job.total.map(|c| c.0), Some(truth.total_cents), "{uuid} total");
    assert_eq!(job.amount_due.map(|c| c.0), Some(truth.amount_due_cents), "{uuid} due");
    assert_eq!(job.paid().map(|c| c.0), Some(truth.paid_cents()), "{uuid} paid");
    let names: Vec<_> = job.team.iter().filter_map(|t| t.name.clone()).collect();
    let truth_names: Vec<_> = truth.team.iter().map(|t| t.name.clone()).collect();
    assert_eq!(names, truth_names, "{uuid} team");
    assert_eq!(job.comments, truth.comments, "{uuid} comments");
    assert_eq!(job.tags, truth.tags, "{uuid} tags");
    let raw: serde_json::Value = serde_json::from_str(&job.raw).expect("raw is JSON");
    for (key, value) in &truth.custom {
        assert_eq!(raw[key], json!(value), "{uuid} custom field {key} kept in raw");
    }
}

fn assert_lead_matches(lead: &Lead, truth: &SimLead) {
    let uuid = &truth.uuid;
    assert_eq!(lead.status.as_deref(), Some(truth.status.as_str()), "{uuid}");
    assert_eq!(lead.source, truth.source, "{uuid} source");
    assert_eq!(lead.lead_type.as_deref(), Some(truth.lead_type.as_str()), "{uuid} type");
    assert_eq!(lead.created.map(|t| t.wall_clock()), truth.created, "{uuid} created");
    assert_eq!(lead.scheduled.map(|t| t.wall_clock()), truth.scheduled, "{uuid} scheduled");
    assert_eq!(lead.lost, Some(truth.lost), "{uuid} lost");
    assert_eq!(lead.total.map(|c| c.0), Some(truth.total_cents), "{uuid}");
}

/// The listing holds exactly the expected records, each equal to its truth, none twice.
fn assert_jobs_equal_truth(listing: &Listing<Job>, expected: &[SimJob]) {
    let by_uuid: HashMap<&str, &Job> = listing.records.iter().map(|j| (j.uuid.as_str(), j)).collect();
    assert_eq!(by_uuid.len(), listing.records.len(), "no job delivered twice");
    assert_eq!(listing.records.len(), expected.len(), "every expected job delivered");
    for truth in expected {
        let job = by_uuid.get(truth.uuid.as_str()).unwrap_or_else(|| panic!("job {} missing", truth.uuid));
        assert_job_matches(job, truth);
    }
}

#[tokio::test]
async fn jobs_and_leads_decode_to_the_ground_truth() {
    let sim = Simulator::start_local(sim_config(60)).await.expect("sim");
    let client = client(&sim);
    let since = last_day() - chrono::Duration::days(59);
    let jobs = list_jobs(&client, since).await.expect("jobs");
    assert!(jobs.rejected.is_empty(), "{:?}", jobs.rejected.first());
    let expected = expected_jobs(&sim, since);
    assert!(expected.len() > 300, "a 60-day account spans several pages ({})", expected.len());
    assert_jobs_equal_truth(&jobs, &expected);

    let leads = list_leads(&client, since).await.expect("leads");
    let start = since.and_hms_opt(0, 0, 0).expect("time");
    let truth: Vec<SimLead> =
        sim.with_truth(|a| a.leads.iter().filter(|l| l.list_time().is_some_and(|t| t >= start)).cloned().collect());
    assert_eq!(leads.records.len(), truth.len());
    let by_uuid: HashMap<&str, &Lead> = leads.records.iter().map(|l| (l.uuid.as_str(), l)).collect();
    for t in &truth {
        assert_lead_matches(by_uuid[t.uuid.as_str()], t);
    }
    assert!(truth.iter().any(|l| l.status == "Passed" && l.source.as_deref() == Some("Pro Referral")));
}

#[tokio::test]
async fn every_envelope_and_offset_meaning_gives_the_same_records() {
    let since = last_day() - chrono::Duration::days(44);
    for meaning in [OffsetMeaning::Records, OffsetMeaning::Pages] {
        for envelope in [EnvelopeStyle::Wrapped, EnvelopeStyle::WrappedWithFound, EnvelopeStyle::Bare] {
            for mode in [OffsetMode::Auto, OffsetMode::Records, OffsetMode::Pages] {
                let matches_server = matches!(
                    (meaning, mode),
                    (_, OffsetMode::Auto)
                        | (OffsetMeaning::Records, OffsetMode::Records)
                        | (OffsetMeaning::Pages, OffsetMode::Pages)
                );
                if !matches_server {
                    continue;
                }
                let mut config = sim_config(45);
                config.offset_meaning = meaning;
                config.envelope = envelope;
                let sim = Simulator::start_local(config).await.expect("sim");
                let mut cc = client_config(&sim);
                cc.offset_mode = mode;
                let client = Client::new(cc).expect("client");
                let jobs = list_jobs(&client, since).await.expect("jobs");
                assert_jobs_equal_truth(&jobs, &expected_jobs(&sim, since));
                let pages = expected_jobs(&sim, since).len().div_ceil(100) as u64;
                let probe = u64::from(mode == OffsetMode::Auto && meaning == OffsetMeaning::Records);
                assert_eq!(sim.stats().requests, pages + probe, "{meaning:?} {envelope:?} {mode:?}: requests");
            }
        }
    }
}

#[tokio::test]
async fn a_wrong_page_offset_guess_corrects_itself() {
    // The client told offsets count pages while the server counts records: the second page
    // mostly repeats the first, so it switches to record offsets and loses nothing.
    let mut config = sim_config(45);
    config.offset_meaning = OffsetMeaning::Records;
    let sim = Simulator::start_local(config).await.expect("sim");
    let mut cc = client_config(&sim);
    cc.offset_mode = OffsetMode::Pages;
    let client = Client::new(cc).expect("client");
    let since = last_day() - chrono::Duration::days(44);
    let jobs = list_jobs(&client, since).await.expect("jobs");
    assert_jobs_equal_truth(&jobs, &expected_jobs(&sim, since));
    let pages = expected_jobs(&sim, since).len().div_ceil(100) as u64;
    assert_eq!(sim.stats().requests, pages + 1, "one wasted request, then record offsets");
}

#[tokio::test]
async fn each_fault_is_retried_and_the_result_is_still_exact() {
    for fault in Fault::ALL {
        let mut config = sim_config(30);
        config.stall = Duration::from_millis(600);
        let sim = Simulator::start_local(config).await.expect("sim");
        let mut cc = client_config(&sim);
        cc.timeout = Duration::from_millis(250);
        let client = Client::new(cc).expect("client");
        // Two in a row on the first page, one on a later page.
        sim.script_faults([fault, fault]);
        let since = last_day() - chrono::Duration::days(29);
        let first = list_jobs(&client, since).await.unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_jobs_equal_truth(&first, &expected_jobs(&sim, since));
        let stats = client.stats();
        assert_eq!(stats.retries, 2, "{fault:?}");
        assert_eq!(stats.throttled, if fault == Fault::TooManyRequests { 2 } else { 0 }, "{fault:?}");
    }
}

#[tokio::test]
async fn random_faults_duplicates_and_changes_between_pages() {
    let mut config = sim_config(90);
    config.faults = FaultRates { timeout: 0.0, ..FaultRates::chaos() };
    let sim = Simulator::start_local(config).await.expect("sim");
    let client = client(&sim);
    let since = last_day() - chrono::Duration::days(89);
    let before = expected_jobs(&sim, since);
    let jobs = list_jobs(&client, since).await.expect("jobs survive chaos");
    let stats = sim.stats();
    assert!(stats.faults > 0 && stats.changes > 0, "{stats:?}");
    assert!(jobs.duplicates > 0, "repeated records were seen and dropped");
    let unique: std::collections::HashSet<_> = jobs.records.iter().map(|j| j.uuid.as_str()).collect();
    assert_eq!(unique.len(), jobs.records.len(), "no job twice");
    // Records that existed before the listing began are all there (new ones may be missed, as
    // they are by the real API, until the next pass).
    for truth in &before {
        assert!(unique.contains(truth.uuid.as_str()), "job {} lost", truth.uuid);
    }
}

#[tokio::test]
async fn retries_are_capped() {
    let sim = Simulator::start_local(sim_config(5)).await.expect("sim");
    sim.script_faults([Fault::InternalError; 20]);
    let mut cc = client_config(&sim);
    cc.retry.max_retries = 3;
    let client = Client::new(cc).expect("client");
    let err = list_jobs(&client, last_day()).await.err().expect("fails");
    assert!(matches!(err, Error::Server { status: 500, attempts: 4, .. }), "{err}");
    assert_eq!(sim.stats().requests, 4);
}

#[tokio::test]
async fn a_refused_token_is_one_clear_error_without_retries_or_the_token() {
    let sim = Simulator::start_local(sim_config(5)).await.expect("sim");
    let bad = "api_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
    let mut cc = client_config(&sim);
    cc.token = ApiToken::parse(bad).expect("token");
    let client = Client::new(cc).expect("client");
    let err = list_jobs(&client, last_day()).await.err().expect("refused");
    assert!(matches!(err, Error::Unauthorized { status: 403 }));
    let text = format!("{err} {err:?}");
    assert!(text.contains("WORKIZ_API_TOKEN"), "{text}");
    assert!(!text.contains(bad));
    assert_eq!(sim.stats().requests, 1, "no retry on 403");
    assert!(!format!("{client:?}").contains(bad));
}

#[tokio::test]
async fn the_client_paces_itself_and_survives_the_servers_limit() {
    let mut config = sim_config(60);
    config.rate_limit = Some((4, Duration::from_millis(400)));
    let sim = Simulator::start_local(config).await.expect("sim");
    // Without a limiter of its own, the client runs into 429s and backs off.
    let since = last_day() - chrono::Duration::days(59);
    let mut cc = client_config(&sim);
    cc.retry.throttle_pause = Duration::from_millis(150);
    let eager = Client::new(cc).expect("client");
    let jobs = list_jobs(&eager, since).await.expect("jobs");
    assert_jobs_equal_truth(&jobs, &expected_jobs(&sim, since));
    assert!(eager.stats().throttled > 0);
    tokio::time::sleep(Duration::from_millis(450)).await;
    // With the same budget as the server, it is never throttled.
    let mut cc = client_config(&sim);
    cc.rate_limit = Some((4, Duration::from_millis(400)));
    let polite = Client::new(cc).expect("client");
    let jobs = list_jobs(&polite, since).await.expect("jobs");
    assert_eq!(jobs.records.len(), expected_jobs(&sim, since).len());
    assert_eq!(polite.stats().throttled, 0);
}

#[tokio::test]
async fn a_handle_with_its_own_counts_shares_the_rate_budget() {
    let sim = Simulator::start_local(sim_config(20)).await.expect("sim");
    let mut cc = client_config(&sim);
    // One request at once, then one every 200 ms.
    cc.rate_limit = Some((1, Duration::from_millis(200)));
    let sync = Client::new(cc).expect("client");
    let hooks = sync.with_own_counts();
    let uuid = sim.truth().jobs[0].uuid.clone();
    let started = std::time::Instant::now();
    for _ in 0..2 {
        assert!(matches!(hooks.job(&uuid).await, Ok(Lookup::Found(_))));
        assert!(matches!(sync.job(&uuid).await, Ok(Lookup::Found(_))));
    }
    // Each counts its own two requests...
    assert_eq!((sync.stats().requests, hooks.stats().requests), (2, 2));
    // ...and the four shared one budget: three waits of 200 ms.
    assert!(started.elapsed() >= Duration::from_millis(550), "{:?}", started.elapsed());
}

#[tokio::test]
async fn single_records_deleted_records_and_rejected_records() {
    let sim = Simulator::start_local(sim_config(20)).await.expect("sim");
    let client = client(&sim);
    let truth = sim.truth();
    let target = &truth.jobs[3];
    match client.job(&target.uuid).await.expect("job/get") {
        Lookup::Found(job) => assert_job_matches(&job, target),
        other => panic!("{other:?}"),
    }
    sim.mutate(|a, _| a.delete_job(&target.uuid));
    assert!(matches!(client.job(&target.uuid).await, Ok(Lookup::Gone)), "204 means deleted");
    let lead = &truth.leads[0];
    assert!(matches!(client.lead(&lead.uuid).await, Ok(Lookup::Found(l)) if l.uuid == lead.uuid));

    // A record whose amount is garbage is rejected on its own, with its raw text.
    let broken = truth.jobs[5].uuid.clone();
    sim.mutate(|a, _| {
        if let Some(job) = a.job_mut(&broken) {
            job.wire_overrides.push(("JobTotalPrice".into(), json!("n/a")));
        }
    });
    let listing = list_jobs(&client, last_day() - chrono::Duration::days(19)).await.expect("jobs");
    assert_eq!(listing.rejected.len(), 1);
    let rejected = &listing.rejected[0];
    assert_eq!(rejected.key.as_deref(), Some(broken.as_str()));
    assert!(rejected.reason.contains("JobTotalPrice") && rejected.raw.contains("n/a"), "{rejected:?}");
    assert_eq!(listing.records.len() + 1, expected_jobs(&sim, last_day() - chrono::Duration::days(19)).len());

    let client_id = truth.jobs[0].client_id.to_string();
    assert!(matches!(client.client_record(&client_id).await, Ok(Lookup::Found(c)) if c.id == client_id));
    assert!(matches!(client.client_record("1").await, Ok(Lookup::Gone)));
}

#[tokio::test]
async fn team_time_off_and_extra_endpoints() {
    let mut config = sim_config(90);
    config.extra_endpoints = vec!["payments".into(), "calls".into()];
    let sim = Simulator::start_local(config).await.expect("sim");
    let client = client(&sim);
    let team = client.team().await.expect("team");
    let truth = sim.truth();
    assert_eq!(team.len(), truth.team.len());
    for (member, t) in team.iter().zip(&truth.team) {
        let member = member.as_ref().expect("decodes");
        assert_eq!((member.id.as_str(), member.name.as_deref()), (t.id.to_string().as_str(), Some(t.name.as_str())));
        assert_eq!(member.field_tech, Some(t.field_tech));
    }
    let time_off = client.time_off().await.expect("time off");
    assert_eq!(time_off.len(), truth.time_off.len());
    let probes: HashMap<_, _> = client.probe_extra_endpoints().await.into_iter().collect();
    assert!(matches!(probes["payments"], Ok(EndpointAvailability::Offered { sample: 1 })));
    assert!(matches!(probes["calls"], Ok(EndpointAvailability::Offered { .. })));
    for name in ["invoices", "clients", "schedules", "users", "reports"] {
        assert!(matches!(probes[name], Ok(EndpointAvailability::NotOffered)), "{name}: {:?}", probes[name]);
    }
}
