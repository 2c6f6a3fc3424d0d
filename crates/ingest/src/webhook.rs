//! Workiz webhook events: invoices and estimates carry payments, which are stored as they are;
//! job and lead events name a record, which is read again with `job/get` / `lead/get`. Every
//! event is idempotent, so a replay changes nothing.

use chrono_tz::Tz;
use serde_json::Value;
use store::{Origin, PaymentRow, Store, StoreError};
use workiz::{Cents, Client, Lookup};

use crate::convert::{job_row, lead_row};

/// An event, read from its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookEvent {
    /// `invoice_*` / `estimate_*` with payments.
    Payments { kind: String, job_uuid: Option<String>, payments: Vec<PaymentRow> },
    /// `job_*`: refresh the job.
    Job { kind: String, uuid: String },
    /// `lead_*`: refresh the lead.
    Lead { kind: String, uuid: String },
    /// A trigger this product has no use for (it is acknowledged, not stored).
    Ignored { kind: String },
}

/// What handling an event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventOutcome {
    pub kind: String,
    /// Rows written (new or changed); 0 for a replay.
    pub changed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read the record from Workiz: {0}")]
    Workiz(#[from] workiz::Error),
    #[error("job and lead events need the Workiz API (WORKIZ_API_TOKEN is not set)")]
    NoClient,
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn cents(value: &Value, what: &str) -> Result<Option<i64>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => {
            Cents::parse(&n.to_string()).map(|c| Some(c.0)).ok_or_else(|| format!("{what} is not an amount"))
        }
        Value::String(s) => Cents::parse(s).map(|c| Some(c.0)).ok_or_else(|| format!("{what} '{s}' is not an amount")),
        _ => Err(format!("{what} is not an amount")),
    }
}

/// Reads an event body. The error says what is wrong, for a 400 answer.
pub fn parse_event(body: &[u8], tz: Tz) -> Result<WebhookEvent, String> {
    let event: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let kind = event
        .pointer("/trigger/type")
        .and_then(Value::as_str)
        .ok_or("the event has no trigger.type")?
        .trim()
        .to_ascii_lowercase();
    let data = event.get("data").filter(|d| d.is_object()).ok_or("the event has no data object")?;
    let uuid = data.get("uuid").and_then(text);
    if kind.starts_with("invoice") || kind.starts_with("estimate") {
        let timestamp =
            event.pointer("/trigger/timestamp").and_then(Value::as_str).ok_or("the event has no trigger.timestamp")?;
        let paid_at = chrono::DateTime::parse_from_rfc3339(timestamp)
            .map_err(|_| format!("trigger.timestamp '{timestamp}' is not an RFC 3339 time"))?
            .with_timezone(&tz)
            .naive_local();
        let payments = match data.get("payments") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|p| {
                    let id = p.get("id").and_then(text).ok_or("a payment has no id")?;
                    let amount = cents(p.get("amount").unwrap_or(&Value::Null), "payments[].amount")?
                        .ok_or_else(|| format!("payment {id} has no amount"))?;
                    Ok(PaymentRow {
                        payment_id: id,
                        job_uuid: uuid.clone(),
                        paid_at: Some(paid_at.format("%Y-%m-%d %H:%M:%S").to_string()),
                        day: Some(paid_at.date().to_string()),
                        amount_cents: amount,
                        tip_cents: cents(p.get("tipAmount").unwrap_or(&Value::Null), "payments[].tipAmount")?,
                        method: p.get("type").and_then(text),
                        origin: Origin::Webhook,
                        raw: p.to_string(),
                    })
                })
                .collect::<Result<_, String>>()?,
            Some(_) => return Err("data.payments is not a list".to_owned()),
        };
        return Ok(WebhookEvent::Payments { kind, job_uuid: uuid, payments });
    }
    if kind.starts_with("job") {
        return Ok(WebhookEvent::Job { uuid: uuid.ok_or("a job event needs data.uuid")?, kind });
    }
    if kind.starts_with("lead") {
        return Ok(WebhookEvent::Lead { uuid: uuid.ok_or("a lead event needs data.uuid")?, kind });
    }
    Ok(WebhookEvent::Ignored { kind })
}

/// Stores what an event says. A store error means nothing was written: answer so that Workiz
/// retries.
pub async fn handle_event(
    store: &Store,
    client: Option<&Client>,
    account: &str,
    tz: Tz,
    event: WebhookEvent,
) -> Result<EventOutcome, EventError> {
    let (kind, changed) = match event {
        WebhookEvent::Payments { kind, payments, .. } => {
            let counts = store.upsert_payments(account, payments).await?;
            (kind, counts.inserted + counts.updated)
        }
        WebhookEvent::Job { kind, uuid } => {
            let client = client.ok_or(EventError::NoClient)?;
            let changed = match client.job(&uuid).await? {
                Lookup::Found(job) => {
                    let counts = store.upsert_jobs(account, vec![job_row(job, tz)]).await?;
                    counts.inserted + counts.updated
                }
                Lookup::Gone => store.mark_deleted(account, "jobs", &[uuid]).await?,
                Lookup::Rejected(e) => {
                    store
                        .reject(account, "jobs", &[store::Rejected { key: e.key, reason: e.reason, raw: e.raw }])
                        .await?;
                    0
                }
            };
            (kind, changed)
        }
        WebhookEvent::Lead { kind, uuid } => {
            let client = client.ok_or(EventError::NoClient)?;
            let changed = match client.lead(&uuid).await? {
                Lookup::Found(lead) => {
                    let counts = store.upsert_leads(account, vec![lead_row(lead, tz)]).await?;
                    counts.inserted + counts.updated
                }
                Lookup::Gone => store.mark_deleted(account, "leads", &[uuid]).await?,
                Lookup::Rejected(e) => {
                    store
                        .reject(account, "leads", &[store::Rejected { key: e.key, reason: e.reason, raw: e.raw }])
                        .await?;
                    0
                }
            };
            (kind, changed)
        }
        WebhookEvent::Ignored { kind } => (kind, 0),
    };
    if changed > 0 {
        store.refresh_rollups(account).await?;
    }
    Ok(EventOutcome { kind, changed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invoice_event_carries_its_payments_on_the_local_day() {
        let body = br#"{"trigger":{"type":"invoice_paid","timestamp":"2026-09-22T02:30:00Z"},
            "data":{"id":"IV-1","uuid":"CC6YKK","payments":[{"id":"PAY-1","type":"Cash","amount":50,"tipAmount":"5.50"}]},
            "metadata":{"automationId":"auto_790"}}"#;
        let tz: Tz = "America/New_York".parse().expect("tz");
        let WebhookEvent::Payments { payments, job_uuid, .. } = parse_event(body, tz).expect("parses") else {
            panic!("not payments")
        };
        assert_eq!(job_uuid.as_deref(), Some("CC6YKK"));
        let p = &payments[0];
        // 02:30 UTC on the 22nd is the evening of the 21st in New York.
        assert_eq!((p.day.as_deref(), p.amount_cents, p.tip_cents), (Some("2026-09-21"), 5_000, Some(550)));
        assert_eq!(p.method.as_deref(), Some("Cash"));
    }

    #[test]
    fn malformed_events_say_what_is_wrong() {
        let tz = chrono_tz::UTC;
        assert!(parse_event(b"{", tz).is_err_and(|e| e.contains("not JSON")));
        assert!(parse_event(br#"{"data":{}}"#, tz).is_err_and(|e| e.contains("trigger.type")));
        assert!(
            parse_event(br#"{"trigger":{"type":"job_status_done"},"data":{}}"#, tz)
                .is_err_and(|e| e.contains("data.uuid"))
        );
        let bad_amount = br#"{"trigger":{"type":"invoice_paid","timestamp":"2026-09-21T17:56:00Z"},"data":{"payments":[{"id":"P","amount":"lots"}]}}"#;
        assert!(parse_event(bad_amount, tz).is_err_and(|e| e.contains("lots")));
        assert_eq!(
            parse_event(br#"{"trigger":{"type":"client_created"},"data":{"id":1}}"#, tz),
            Ok(WebhookEvent::Ignored { kind: "client_created".into() })
        );
    }
}
