pub mod demo;
pub mod import;
pub mod report;
pub mod serve;
pub mod simulate;
pub mod status;
pub mod sync;

use anyhow::Context;
use store::Store;

use crate::exit::Failure;
use crate::settings::Settings;

/// Opens the database named by the settings, as one clear sentence when it cannot.
pub async fn open_store(settings: &Settings) -> Result<Store, Failure> {
    Store::connect(&settings.database_url).await.context("the database is not available").map_err(Failure::failed)
}
