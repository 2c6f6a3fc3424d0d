//! The access token (`WORKIZ_METRICS_AUTH_TOKEN`): `Authorization: Bearer <token>` for the API, or
//! the cookie the login form sets for the pages. Without a configured token everything is open,
//! which `serve` allows on loopback addresses only.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Form, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::webhooks::same_secret;

const COOKIE: &str = "workiz_metrics_token";

fn presented(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_owned());
    bearer.or_else(|| {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| pair.trim().strip_prefix(&format!("{COOKIE}=")).map(str::to_owned))
    })
}

fn authorised(state: &AppState, headers: &HeaderMap) -> bool {
    match state.settings.auth_token.as_deref() {
        None => true,
        Some(expected) => presented(headers).is_some_and(|given| same_secret(&given, expected)),
    }
}

/// For `/api/`: 401 with a JSON error.
pub(crate) async fn require_token(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if authorised(&state, request.headers()) {
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

/// For the pages: to the login form.
pub(crate) async fn require_login(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if authorised(&state, request.headers()) {
        return next.run(request).await;
    }
    Redirect::to("/login").into_response()
}

const LOGIN: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>workiz-metrics · sign in</title></head>
<body style="font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem">
<h1>workiz-metrics</h1><p>{message}</p>
<form method="post" action="/login"><label>Access token<br>
<input type="password" name="token" autocomplete="current-password" required style="width:100%"></label>
<p><button type="submit">Sign in</button></p></form></body></html>"#;

pub(crate) async fn login_form() -> Html<String> {
    Html(LOGIN.replace("{message}", "Enter the access token (WORKIZ_METRICS_AUTH_TOKEN) of this server."))
}

#[derive(Debug, Deserialize)]
pub(crate) struct Login {
    token: String,
}

/// Checks the token and sets it as a cookie: HttpOnly (no script reads it), Secure (only over
/// HTTPS, which a server reachable from other machines should be behind), SameSite=Strict.
pub(crate) async fn login(State(state): State<Arc<AppState>>, Form(login): Form<Login>) -> Response {
    let Some(expected) = state.settings.auth_token.as_deref() else { return Redirect::to("/").into_response() };
    if !same_secret(login.token.trim(), expected) {
        tracing::warn!("sign-in refused: wrong access token");
        return (StatusCode::UNAUTHORIZED, Html(LOGIN.replace("{message}", "That token is not right.")))
            .into_response();
    }
    let cookie = format!("{COOKIE}={}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=2592000", login.token.trim());
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}
