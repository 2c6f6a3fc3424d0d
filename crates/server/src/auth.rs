//! The access token of `/api/`: `Authorization: Bearer <WORKIZ_METRICS_AUTH_TOKEN>`. Without a
//! configured token the API is open, which `serve` allows on loopback addresses only.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;
use crate::webhooks::same_secret;

pub(crate) async fn require_token(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Some(expected) = state.settings.auth_token.as_deref() else { return next.run(request).await };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if given.is_some_and(|g| same_secret(g, expected)) {
        return next.run(request).await;
    }
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        Json(
            json!({"error": "this API needs the access token: send Authorization: Bearer <WORKIZ_METRICS_AUTH_TOKEN>"}),
        ),
    )
        .into_response()
}
