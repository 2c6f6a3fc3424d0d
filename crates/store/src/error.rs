/// A storage failure, phrased for the person running the command.
#[derive(thiserror::Error)]
pub enum StoreError {
    #[error("'{0}' is not a database URL: use sqlite://FILE or postgres://USER@HOST/DB")]
    BadUrl(String),
    #[error("cannot open the database {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("migration {version} failed on {url}: {source}")]
    Migrate {
        url: String,
        version: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("the database was migrated by a newer workiz-metrics (schema {found}, this one knows {known}): upgrade")]
    TooNew { found: String, known: String },
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

impl std::fmt::Debug for StoreError {
    // `Debug` shows the whole cause chain, which is what a failed test or `main` should print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")?;
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            write!(f, "\n  caused by: {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}
