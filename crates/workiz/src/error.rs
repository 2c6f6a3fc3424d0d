use std::time::Duration;

/// What went wrong talking to Workiz. Messages never contain the API token.
#[derive(thiserror::Error)]
pub enum Error {
    #[error(
        "Workiz refused the API token (HTTP {status}): check WORKIZ_API_TOKEN (Workiz → Settings → Developer → API)"
    )]
    Unauthorized { status: u16 },
    #[error(
        "Workiz kept rate-limiting {endpoint} (HTTP 429) after {attempts} attempts; try again later or lower the request rate"
    )]
    RateLimited { endpoint: String, attempts: u32 },
    #[error("Workiz answered HTTP {status} for {endpoint} after {attempts} attempts")]
    Server { endpoint: String, status: u16, attempts: u32 },
    #[error("could not reach Workiz for {endpoint} after {attempts} attempts: {message}")]
    Transport { endpoint: String, message: String, attempts: u32 },
    #[error("Workiz sent a broken answer for {endpoint} after {attempts} attempts: {reason}")]
    BrokenBody { endpoint: String, reason: String, attempts: u32 },
    #[error("Workiz refused {endpoint}: {message}")]
    Refused { endpoint: String, message: String },
    #[error("this Workiz account does not offer {endpoint} (\"Invalid end point\")")]
    NotOffered { endpoint: String },
    #[error("Workiz answered HTTP {status} for {endpoint}: {excerpt}")]
    UnexpectedStatus { endpoint: String, status: u16, excerpt: String },
    #[error("Workiz answered {endpoint} with an unexpected shape: {reason}")]
    UnexpectedShape { endpoint: String, reason: String },
    #[error("invalid Workiz client setting: {0}")]
    Config(String),
}

impl std::fmt::Debug for Error {
    // `Debug` is what `main` returning an error prints: make it the readable message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// One failed attempt, before the retry policy decides.
#[derive(Debug)]
pub(crate) enum Attempt {
    Throttled,
    Server(u16),
    Transport(String),
    BrokenBody(String),
    Refused(String),
    Fatal(Error),
}

impl Attempt {
    pub(crate) fn retryable(&self) -> bool {
        !matches!(self, Self::Fatal(_))
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Throttled => "HTTP 429".to_owned(),
            Self::Server(status) => format!("HTTP {status}"),
            Self::Transport(message) | Self::BrokenBody(message) => message.clone(),
            Self::Refused(message) => format!("flag:false ({message})"),
            Self::Fatal(e) => e.to_string(),
        }
    }

    pub(crate) fn into_error(self, endpoint: &str, attempts: u32) -> Error {
        let endpoint = endpoint.to_owned();
        match self {
            Self::Throttled => Error::RateLimited { endpoint, attempts },
            Self::Server(status) => Error::Server { endpoint, status, attempts },
            Self::Transport(message) => Error::Transport { endpoint, message, attempts },
            Self::BrokenBody(reason) => Error::BrokenBody { endpoint, reason, attempts },
            Self::Refused(message) => Error::Refused { endpoint, message },
            Self::Fatal(e) => e,
        }
    }

    /// How long to wait before the next attempt: the backoff step, but never less than the
    /// throttle pause after a 429 (Workiz sends no Retry-After).
    pub(crate) fn delay(&self, backoff: Duration, throttle_pause: Duration) -> Duration {
        match self {
            Self::Throttled => backoff.max(throttle_pause),
            _ => backoff,
        }
    }
}
