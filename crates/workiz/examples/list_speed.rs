//! Lists every job from a Workiz API (or the simulator) and prints how fast records arrived:
//! `cargo run --release -p workiz --example list_speed -- BASE_URL TOKEN SINCE`.
use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (base, token, since) = match args.as_slice() {
        [_, base, token, since] => (base.clone(), token.clone(), since.clone()),
        _ => return Err("usage: list_speed BASE_URL TOKEN YYYY-MM-DD".into()),
    };
    let mut config = workiz::ClientConfig::new(base, workiz::ApiToken::parse(&token)?);
    config.rate_limit = None;
    let client = workiz::Client::new(config)?;
    let started = std::time::Instant::now();
    let mut records = 0usize;
    let mut pages = std::pin::pin!(client.jobs(workiz::ListQuery::since(since.parse()?)));
    while let Some(page) = pages.next().await {
        records += page?.records.len();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("{records} jobs in {seconds:.2} s: {:.0} records/s", records as f64 / seconds);
    Ok(())
}
