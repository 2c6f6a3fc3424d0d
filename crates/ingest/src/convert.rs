//! Workiz records into store rows: typed columns computed once, at ingest, by the rules of
//! METRICS.md (the local day, paid = total − amount due).

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use chrono_tz::Tz;
use store::{ClientRow, JobRow, LeadRow, Origin, TeamMemberRow, TimeOffRow};
use workiz::{ClientRecord, Job, Lead, TeamMember, TimeOff, WorkizTime};

/// Local wall-clock time: as written when Workiz gave no zone, converted into the account's zone
/// when it did.
pub fn local_time(time: &WorkizTime, tz: Tz) -> NaiveDateTime {
    time.local(|zoned| zoned.with_timezone(&tz).naive_local())
}

pub fn local_day(time: &WorkizTime, tz: Tz) -> NaiveDate {
    local_time(time, tz).date()
}

/// `YYYY-MM-DD HH:MM:SS`. Written by hand: chrono's `format` re-parses its pattern for every
/// call, and this runs for several fields of every record.
fn text(time: Option<&WorkizTime>, tz: Tz) -> Option<String> {
    time.map(|t| {
        let t = local_time(t, tz);
        format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second())
    })
}

/// Only the digits of a phone number, so that `(813) 555-0100` and `813-555-0100` match.
pub fn digits(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

fn names(team: &[workiz::TeamRef]) -> Option<String> {
    let names: Vec<&str> = team.iter().filter_map(|t| t.name.as_deref()).collect();
    (!names.is_empty()).then(|| names.join(", "))
}

pub fn job_row(job: Job, tz: Tz) -> JobRow {
    // A job's day is its scheduled day; a job never scheduled counts on the day it was created.
    let day = job.scheduled.as_ref().or(job.created.as_ref()).map(|t| local_day(t, tz).to_string());
    let paid_cents = job.paid().map(|c| c.0);
    JobRow {
        scheduled_at: text(job.scheduled.as_ref(), tz),
        created_at: text(job.created.as_ref(), tz),
        day,
        total_cents: job.total.map(|c| c.0),
        amount_due_cents: job.amount_due.map(|c| c.0),
        paid_cents,
        team: names(&job.team),
        uuid: job.uuid,
        serial_id: job.serial_id,
        status: job.status,
        sub_status: job.sub_status,
        job_type: job.job_type,
        source: job.source,
        client_id: job.client_id,
        phone: job.phone,
        origin: Origin::Api,
        raw: job.raw,
    }
}

pub fn lead_row(lead: Lead, tz: Tz) -> LeadRow {
    // A lead's day is the day it came in; failing that, the day it was scheduled for.
    let day = lead.created.as_ref().or(lead.scheduled.as_ref()).map(|t| local_day(t, tz).to_string());
    LeadRow {
        scheduled_at: text(lead.scheduled.as_ref(), tz),
        created_at: text(lead.created.as_ref(), tz),
        day,
        phone_digits: lead.phone.as_deref().and_then(digits),
        total_cents: lead.total.map(|c| c.0),
        uuid: lead.uuid,
        serial_id: lead.serial_id,
        status: lead.status,
        lead_type: lead.lead_type,
        source: lead.source,
        client_id: lead.client_id,
        origin: Origin::Api,
        raw: lead.raw,
    }
}

pub fn team_row(member: &TeamMember) -> TeamMemberRow {
    TeamMemberRow {
        id: member.id.clone(),
        name: member.name.clone(),
        role: member.role.clone(),
        email: member.email.clone(),
        field_tech: member.field_tech,
        active: member.active,
        raw: member.raw.clone(),
    }
}

pub fn time_off_row(entry: &TimeOff, tz: Tz) -> TimeOffRow {
    TimeOffRow {
        entry_key: entry.key.clone(),
        user_name: entry.user_name.clone(),
        starts_at: text(entry.start.as_ref(), tz),
        ends_at: text(entry.end.as_ref(), tz),
        raw: entry.raw.clone(),
    }
}

pub fn client_row(client: &ClientRecord) -> ClientRow {
    ClientRow {
        id: client.id.clone(),
        first_name: client.first_name.clone(),
        last_name: client.last_name.clone(),
        company: client.company.clone(),
        email: client.email.clone(),
        phone: client.phone.clone(),
        address: client.address.clone(),
        city: client.city.clone(),
        state: client.state.clone(),
        zip: client.zip.clone(),
        source: client.source.clone(),
        raw: client.raw.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use workiz::Record;

    #[test]
    fn a_jobs_day_is_its_schedule_else_its_creation() {
        let tz: Tz = "America/New_York".parse().expect("tz");
        let scheduled =
            Job::decode(&json!({"UUID":"A1","JobDateTime":"2026-11-30 23:30:00","CreatedDate":"2026-11-01 10:00:00"}))
                .expect("job");
        assert_eq!(job_row(scheduled, tz).day.as_deref(), Some("2026-11-30"));
        let unscheduled =
            Job::decode(&json!({"UUID":"A2","JobDateTime":null,"CreatedDate":"2026-11-01 10:00:00"})).expect("job");
        assert_eq!(job_row(unscheduled, tz).day.as_deref(), Some("2026-11-01"));
        // A zoned time is converted: 03:30 UTC is the evening before in New York.
        let zoned = Job::decode(&json!({"UUID":"A3","JobDateTime":"2026-12-01T03:30:00Z"})).expect("job");
        assert_eq!(job_row(zoned, tz).day.as_deref(), Some("2026-11-30"));
    }

    #[test]
    fn a_leads_day_is_its_creation_else_its_schedule() {
        let tz: Tz = "UTC".parse().expect("tz");
        let lead = Lead::decode(
            &json!({"UUID":"L1","CreatedDate":"null","LeadDateTime":"2026-11-03 09:00:00","Phone":"(813) 555-0100"}),
        )
        .expect("lead");
        let row = lead_row(lead, tz);
        assert_eq!(row.day.as_deref(), Some("2026-11-03"));
        assert_eq!(row.phone_digits.as_deref(), Some("8135550100"));
    }
}
