//! The webhook sender: posts the events of a simulated day at a receiver, as Workiz automations
//! would. Timestamps are the account's wall clock written as UTC (`…Z`): a receiver set to UTC
//! gets every payment on the day it was paid.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use crate::account::{Account, SimJob, SimPayment};

fn timestamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn slug(status: &str) -> String {
    status.trim().to_lowercase().replace(' ', "_")
}

fn invoice_event(job: &SimJob, payment: &SimPayment) -> Value {
    // The invoice as it stood when this payment arrived: the payments made so far.
    let payments: Vec<Value> = job
        .payments
        .iter()
        .filter(|p| p.invoice_id == payment.invoice_id && p.paid_at <= payment.paid_at)
        .map(|p| json!({"id": p.id, "type": p.method, "amount": p.amount_cents as f64 / 100.0, "tipAmount": 0}))
        .collect();
    json!({
        "trigger": {"type": "invoice_paid", "timestamp": timestamp(payment.paid_at)},
        "data": {"id": payment.invoice_id, "uuid": job.uuid, "serialId": job.serial_id.to_string(),
                 "subTotal": job.total_cents as f64 / 100.0, "totalPrice": job.total_cents as f64 / 100.0,
                 "amountDue": job.amount_due_cents as f64 / 100.0, "payments": payments},
        "metadata": {"automationId": "auto_790", "ruleName": "Invoice paid"}
    })
}

impl Account {
    /// The events of `day`, in time order: a status event for each job scheduled that day, a
    /// `lead_created` event for each lead created that day, and an `invoice_paid` event for each
    /// payment made that day.
    pub fn events_of_day(&self, day: NaiveDate) -> Vec<Value> {
        let mut events: Vec<(NaiveDateTime, Value)> = Vec::new();
        for job in &self.jobs {
            if job.list_time().date() == day {
                let event = json!({
                    "trigger": {"type": format!("job_status_{}", slug(&job.status)), "timestamp": timestamp(job.last_status_update)},
                    "data": {"uuid": job.uuid, "status": job.status},
                    "metadata": {"automationId": "auto_101", "ruleName": "Job status changed"}
                });
                events.push((job.last_status_update, event));
            }
            for payment in job.payments.iter().filter(|p| p.paid_at.date() == day) {
                events.push((payment.paid_at, invoice_event(job, payment)));
            }
        }
        for lead in &self.leads {
            if let Some(created) = lead.created.filter(|t| t.date() == day) {
                let event = json!({
                    "trigger": {"type": "lead_created", "timestamp": timestamp(created)},
                    "data": {"uuid": lead.uuid},
                    "metadata": {"automationId": "auto_102", "ruleName": "New lead"}
                });
                events.push((created, event));
            }
        }
        events.sort_by_key(|(t, _)| *t);
        events.into_iter().map(|(_, e)| e).collect()
    }
}

impl crate::Simulator {
    /// Posts the events of `day` to `url` one by one and returns each answer's status and body.
    pub async fn send_events(&self, url: &str, day: NaiveDate) -> Result<Vec<(u16, String)>, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().build().map_err(|e| e.to_string())?;
        let events = self.with_truth(|a| a.events_of_day(day));
        let mut answers = Vec::with_capacity(events.len());
        for event in events {
            let response = http
                .post(url)
                .header("content-type", "application/json")
                .body(event.to_string())
                .send()
                .await
                .map_err(|e| e.without_url().to_string())?;
            let status = response.status().as_u16();
            answers.push((status, response.text().await.unwrap_or_default()));
        }
        Ok(answers)
    }
}
