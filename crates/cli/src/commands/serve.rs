use std::time::Duration;

use anyhow::{Context, anyhow};
use secrecy::ExposeSecret;
use server::{Application, ServerSettings};

use crate::args::{GlobalArgs, ServeArgs};
use crate::exit::Failure;
use crate::settings::Settings;

/// How often the drop folder is imported (the seed's schedule).
const INBOX_EVERY: Duration = Duration::from_secs(6 * 60 * 60);

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("stopping: finishing the requests under way");
}

pub async fn run(global: &GlobalArgs, args: ServeArgs) -> Result<(), Failure> {
    let settings = Settings::load(global)?;
    // Job and lead events are refreshed from the API.
    let client = super::sync::client(&settings)?;
    let store = super::open_store(&settings).await?;
    if settings.webhook_secret.is_none() {
        tracing::warn!("WORKIZ_WEBHOOK_SECRET is not set: the webhook receiver answers 404 to everything");
    }
    let server_settings = ServerSettings {
        bind: args.bind,
        account: settings.account.clone(),
        timezone: settings.timezone,
        webhook_secret: settings.webhook_secret.as_ref().map(|s| s.expose_secret().to_owned()),
    };
    let app = Application::build(server_settings, store.clone(), Some(client))
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))
        .map_err(Failure::failed)?;
    eprintln!(
        "serving on http://{} (GET /healthz; Workiz webhooks to POST /hooks/workiz/<WORKIZ_WEBHOOK_SECRET>)",
        app.addr()
    );
    if let Some(inbox) = settings.inbox_dir.clone() {
        if !inbox.is_dir() {
            return Err(Failure::usage(anyhow!("inbox_dir {} is not a folder", inbox.display())));
        }
        let (store, account, tz) = (store.clone(), settings.account.clone(), settings.timezone);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(INBOX_EVERY);
            loop {
                every.tick().await;
                let today = chrono::Utc::now().with_timezone(&tz).date_naive();
                match ingest::process_inbox(&store, &account, &inbox, tz, today).await {
                    Ok(results) => tracing::info!(files = results.len(), "drop folder imported"),
                    Err(e) => tracing::error!(error = %e, "drop folder not imported; trying again at the next pass"),
                }
            }
        });
    }
    app.run_until(shutdown_signal()).await.context("the server stopped").map_err(Failure::failed)?;
    store.close().await;
    Ok(())
}
