//! The access token (`WORKIZ_METRICS_AUTH_TOKEN`): `Authorization: Bearer <token>` for the API, or
//! the session cookie the login form sets for the pages. Without a configured token everything is
//! open, which `serve` allows on loopback addresses only.
//!
//! The cookie does not hold the token: it holds an expiry and an HMAC-SHA256 of it keyed by the
//! token. So a copied cookie gives a browser session until it expires, never the token itself;
//! the server checks the expiry (not only the browser); and a new token ends every session.
//! Sign-ins are rate limited, so the form cannot be used to guess the token quickly.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Form, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;

use crate::AppState;
use crate::webhooks::same_secret;

const COOKIE: &str = "workiz_metrics_session";
/// Earlier versions kept the token itself in a cookie of this name: browsers are told to drop it.
const FORGET_OLD_COOKIE: &str = "workiz_metrics_token=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0";
/// A sign-in lasts 30 days.
const SESSION_SECONDS: i64 = 30 * 24 * 60 * 60;
/// Sign-in attempts across all clients: 10 at once, then one every 6 seconds.
const SIGN_INS_PER_MINUTE: NonZeroU32 = NonZeroU32::new(10).expect("non-zero");

/// The limiter of sign-in attempts that [`login`] consults.
pub(crate) fn sign_in_limiter() -> DefaultDirectRateLimiter {
    RateLimiter::direct(Quota::per_minute(SIGN_INS_PER_MINUTE))
}

/// The cookie value of a session that ends at `expires` (Unix seconds): `{expires}.{mac}`.
fn session_value(token: &str, expires: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(token.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("workiz-metrics session until {expires}").as_bytes());
    let mac: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("{expires}.{mac}")
}

/// Whether `value` is a session cookie this token issued that has not expired at `now`.
fn valid_session(token: &str, value: &str, now: i64) -> bool {
    let Some(expires) = value.split_once('.').and_then(|(expires, _)| expires.parse::<i64>().ok()) else {
        return false;
    };
    expires > now && same_secret(value, &session_value(token, expires))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

fn authorised(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(token) = state.settings.auth_token.as_deref() else { return true };
    if let Some(given) = bearer(headers) {
        return same_secret(given, token);
    }
    session_cookie(headers).is_some_and(|value| valid_session(token, value, chrono::Utc::now().timestamp()))
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
    ([(header::SET_COOKIE, FORGET_OLD_COOKIE)], Redirect::to("/login")).into_response()
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

/// Checks the token and sets a session cookie: HttpOnly (no script reads it), Secure (only over
/// HTTPS, which a server reachable from other machines should be behind), SameSite=Strict.
pub(crate) async fn login(State(state): State<Arc<AppState>>, Form(login): Form<Login>) -> Response {
    let Some(expected) = state.settings.auth_token.as_deref() else { return Redirect::to("/").into_response() };
    if state.sign_ins.check().is_err() {
        tracing::warn!("sign-in refused: too many attempts");
        let message = "Too many sign-in attempts. Wait a minute, then try again.";
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "60")],
            Html(LOGIN.replace("{message}", message)),
        )
            .into_response();
    }
    if !same_secret(login.token.trim(), expected) {
        tracing::warn!("sign-in refused: wrong access token");
        return (StatusCode::UNAUTHORIZED, Html(LOGIN.replace("{message}", "That token is not right.")))
            .into_response();
    }
    let value = session_value(expected, chrono::Utc::now().timestamp() + SESSION_SECONDS);
    let cookie = format!("{COOKIE}={value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={SESSION_SECONDS}");
    let mut response = Redirect::to("/").into_response();
    // Appended, not inserted: a response carries one Set-Cookie header per cookie.
    for set in [cookie.as_str(), FORGET_OLD_COOKIE] {
        if let Ok(value) = header::HeaderValue::from_str(set) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_000_000;

    #[test]
    fn a_session_holds_no_token_and_is_valid_until_it_expires() {
        let value = session_value("s3cret-token", NOW + 60);
        assert!(!value.contains("s3cret-token"));
        assert!(valid_session("s3cret-token", &value, NOW));
        assert!(valid_session("s3cret-token", &value, NOW + 59));
        assert!(!valid_session("s3cret-token", &value, NOW + 60), "expired");
    }

    #[test]
    fn a_session_of_another_token_or_a_changed_expiry_is_refused() {
        let value = session_value("s3cret-token", NOW + 60);
        assert!(!valid_session("new-token", &value, NOW), "a new token ends the session");
        let (_, mac) = value.split_once('.').expect("two parts");
        assert!(!valid_session("s3cret-token", &format!("{}.{mac}", NOW + 6_000), NOW), "extended by hand");
        for junk in ["", ".", "abc", "12.", ".ff", "s3cret-token"] {
            assert!(!valid_session("s3cret-token", junk, NOW), "{junk:?}");
        }
    }
}
