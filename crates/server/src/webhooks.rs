//! `POST /hooks/workiz/{secret}` and `GET /healthz`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingest::EventError;
use serde_json::json;

use crate::AppState;

/// Compares without stopping at the first difference, so timing does not reveal the secret.
pub(crate) fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

pub(crate) async fn receive(State(state): State<Arc<AppState>>, Path(secret): Path<String>, body: Bytes) -> Response {
    let known = state.settings.webhook_secret.as_deref().is_some_and(|expected| same_secret(&secret, expected));
    if !known {
        // Never log the path: it is the secret, or someone's guess of it.
        tracing::warn!("webhook refused: wrong or unset secret");
        return StatusCode::NOT_FOUND.into_response();
    }
    let event = match ingest::parse_event(&body, state.settings.timezone) {
        Ok(event) => event,
        Err(reason) => {
            tracing::warn!(reason = %reason, "webhook refused: malformed event");
            return error(StatusCode::BAD_REQUEST, reason);
        }
    };
    let settings = &state.settings;
    match ingest::handle_event(&state.store, state.client.as_ref(), &settings.account, settings.timezone, event).await {
        Ok(outcome) => {
            tracing::info!(kind = %outcome.kind, changed = outcome.changed, "webhook stored");
            (StatusCode::OK, Json(json!({"ok": true, "event": outcome.kind, "changed": outcome.changed})))
                .into_response()
        }
        // Nothing was stored: 503 makes Workiz send the event again later.
        Err(e @ (EventError::Store(_) | EventError::Workiz(_) | EventError::NoClient)) => {
            tracing::error!(error = %e, "webhook not stored; Workiz will retry");
            error(StatusCode::SERVICE_UNAVAILABLE, format!("not stored, retry later: {e}"))
        }
    }
}

pub(crate) async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({"status": "ok"})).into_response(),
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, format!("database: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc123", "abc123"));
        assert!(!same_secret("abc124", "abc123"));
        assert!(!same_secret("abc12", "abc123"));
        assert!(!same_secret("", "abc123"));
    }
}
