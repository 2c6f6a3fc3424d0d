//! Workiz's CSV exports of the generated account, in the real formats: what a user downloads from
//! Workiz and hands to `workiz-metrics import`.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use crate::account::{Account, SimCall};

fn ordinal(day: u32) -> String {
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

/// `Wed Dec 17th, 03:21PM`: the calls export writes no year.
pub fn call_time(t: NaiveDateTime) -> String {
    let (pm, hour) = t.hour12();
    format!(
        "{} {} {}, {:02}:{:02}{}",
        t.weekday(),
        t.format("%b"),
        ordinal(t.day()),
        hour,
        t.minute(),
        if pm { "PM" } else { "AM" }
    )
}

/// `3 Min 25 Sec`, `30 Sec`.
pub fn duration(seconds: u32) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} Sec"),
        (m, 0) => format!("{m} Min"),
        (m, s) => format!("{m} Min {s} Sec"),
    }
}

fn call_record(call: &SimCall) -> [String; 11] {
    [
        call.from_name.clone(),
        call.from_number.clone(),
        call.to_name.clone(),
        call.to_number.clone(),
        call_time(call.time),
        call.flow.clone(),
        call.ad_group.clone().unwrap_or_default(),
        if call.answered { "Yes" } else { "No" }.to_owned(),
        call.job_uuid.clone().unwrap_or_default(),
        call.job_serial.map(|s| s.to_string()).unwrap_or_default(),
        duration(call.duration_secs),
    ]
}

impl Account {
    /// The calls of `from..=to` as Workiz's call-log export.
    pub fn calls_export(&self, from: NaiveDate, to: NaiveDate) -> String {
        let mut out = csv::Writer::from_writer(Vec::new());
        let header = [
            "From",
            "From number",
            "To",
            "To number",
            "Time",
            "Flow",
            "Ad group",
            "Answered",
            "Job",
            "Job ID",
            "Duration",
        ];
        let mut rows: Vec<&SimCall> = self.calls.iter().filter(|c| (from..=to).contains(&c.time.date())).collect();
        rows.sort_by_key(|c| std::cmp::Reverse(c.time));
        let written =
            out.write_record(header).and_then(|()| rows.iter().try_for_each(|c| out.write_record(call_record(c))));
        debug_assert!(written.is_ok(), "writing to memory cannot fail");
        String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// Every payment of jobs scheduled in `from..=to`, as `payment_id,job_uuid,paid_at,amount,method`.
    pub fn payments_export(&self, from: NaiveDate, to: NaiveDate) -> String {
        let mut text = String::from("payment_id,job_uuid,paid_at,amount,method\n");
        for job in self.jobs.iter().filter(|j| (from..=to).contains(&j.list_time().date())) {
            for p in &job.payments {
                text.push_str(&format!(
                    "{},{},{},{}.{:02},{}\n",
                    p.id,
                    p.job_uuid,
                    p.paid_at.format("%Y-%m-%d %H:%M:%S"),
                    p.amount_cents / 100,
                    p.amount_cents % 100,
                    p.method
                ));
            }
        }
        text
    }
}

const JOB_HEADER: [&str; 39] = [
    "Job #",
    "Client",
    "Tags",
    "Job Type",
    "Job Date",
    "Job End",
    "Primary Phone",
    "Email Address",
    "Status",
    "Tech",
    "Address",
    "City",
    "Zip Code",
    "Service Area",
    "UUID",
    "Sub-Status",
    "Conversion Date",
    "Total",
    "Converted",
    "Invoiced",
    "Created",
    "Payment Due Date",
    "Created By",
    "Amount Due",
    "Amount Paid",
    "Cost",
    "Profit",
    "Profit Margin",
    "Company",
    "Tax",
    "Credit Card Service Fee",
    "Taxable Amount",
    "Tax Rate",
    "Hours",
    "Source",
    "First Name",
    "Last Name",
    "State",
    "Payment Methods",
];

const LEAD_HEADER: [&str; 25] = [
    "Lead #",
    "Status",
    "Tags",
    "Source",
    "Client",
    "Street",
    "City",
    "Job Type",
    "Phone",
    "Created",
    "Assigned",
    "Estimates",
    "Scheduled",
    "Email Address",
    "Zip Code",
    "Service Area",
    "Converted",
    "Converted Lead total",
    "Conversion Date",
    "Created By",
    "Company",
    "UUID",
    "First Name",
    "Last Name",
    "State",
];

/// `Fri Dec 19 2025`.
pub fn export_date(t: NaiveDateTime) -> String {
    t.format("%a %b %d %Y").to_string()
}

/// Money as the exports write it: `0`, `171.36`, `-99`.
fn plain_money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    if abs.is_multiple_of(100) {
        format!("{sign}{}", abs / 100)
    } else {
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

fn write(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let written = out.write_record(header).and_then(|()| rows.into_iter().try_for_each(|r| out.write_record(r)));
    debug_assert!(written.is_ok(), "writing to memory cannot fail");
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

impl Account {
    /// The jobs scheduled (or, unscheduled, created) in `from..=to` as Workiz's jobs export, with
    /// the account's custom field `Appliance Brand` after the standard columns.
    pub fn jobs_export(&self, from: NaiveDate, to: NaiveDate) -> String {
        let mut header: Vec<&str> = JOB_HEADER.to_vec();
        header.push("Appliance Brand");
        let rows = self.jobs.iter().filter(|j| (from..=to).contains(&j.list_time().date())).map(|j| {
            let mut methods: Vec<&str> = j.payments.iter().map(|p| p.method.as_str()).collect();
            methods.dedup();
            let tech: Vec<&str> = j.team.iter().map(|t| t.name.as_str()).collect();
            let mut row: Vec<String> = JOB_HEADER.iter().map(|_| String::new()).collect();
            let mut set = |column: &str, value: String| {
                if let Some(i) = JOB_HEADER.iter().position(|h| *h == column) {
                    row[i] = value;
                }
            };
            set("Job #", j.serial_id.to_string());
            set("Client", format!("{} {}", j.first_name, j.last_name));
            set("Tags", j.tags.join(", "));
            set("Job Type", j.job_type.clone());
            set("Job Date", j.scheduled.map(export_date).unwrap_or_default());
            set("Job End", j.scheduled_end.map(export_date).unwrap_or_default());
            set("Primary Phone", j.phone.clone());
            set("Status", j.status.clone());
            set("Tech", tech.join(", "));
            set("UUID", j.uuid.clone());
            set("Sub-Status", j.sub_status.clone());
            set("Total", plain_money(j.total_cents));
            set("Created", export_date(j.created));
            set("Amount Due", plain_money(j.amount_due_cents));
            set("Amount Paid", plain_money(j.paid_cents()));
            set("Source", j.source.clone().unwrap_or_default());
            set("First Name", j.first_name.clone());
            set("Last Name", j.last_name.clone());
            set("Payment Methods", methods.join(","));
            let brand =
                j.custom.iter().find(|(k, _)| k == "Appliance Brand").map(|(_, v)| v.clone()).unwrap_or_default();
            row.push(brand);
            row
        });
        write(&header, rows)
    }

    /// The leads created (or, without a creation date, scheduled) in `from..=to` as Workiz's leads
    /// export.
    pub fn leads_export(&self, from: NaiveDate, to: NaiveDate) -> String {
        let rows = self
            .leads
            .iter()
            .filter(|l| l.created.or(l.scheduled).is_some_and(|t| (from..=to).contains(&t.date())))
            .map(|l| {
                let mut row: Vec<String> = LEAD_HEADER.iter().map(|_| String::new()).collect();
                let mut set = |column: &str, value: String| {
                    if let Some(i) = LEAD_HEADER.iter().position(|h| *h == column) {
                        row[i] = value;
                    }
                };
                set("Lead #", l.serial_id.to_string());
                set("Status", l.status.clone());
                set("Source", l.source.clone().unwrap_or_default());
                set("Client", format!("{} {}", l.first_name, l.last_name));
                set("Job Type", l.lead_type.clone());
                set("Phone", l.phone.clone());
                set("Created", l.created.map(export_date).unwrap_or_default());
                set("Scheduled", l.scheduled.map(export_date).unwrap_or_default());
                set("UUID", l.uuid.clone());
                set("First Name", l.first_name.clone());
                set("Last Name", l.last_name.clone());
                row
            });
        write(&LEAD_HEADER, rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_the_real_export() {
        let t = NaiveDate::from_ymd_opt(2025, 12, 17).and_then(|d| d.and_hms_opt(15, 21, 0)).expect("time");
        assert_eq!(call_time(t), "Wed Dec 17th, 03:21PM");
        let t = NaiveDate::from_ymd_opt(2025, 12, 1).and_then(|d| d.and_hms_opt(0, 5, 0)).expect("time");
        assert_eq!(call_time(t), "Mon Dec 1st, 12:05AM");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(ordinal(13), "13th");
        assert_eq!(duration(205), "3 Min 25 Sec");
        assert_eq!(duration(30), "30 Sec");
        assert_eq!(duration(120), "2 Min");
        let t = NaiveDate::from_ymd_opt(2025, 12, 19).and_then(|d| d.and_hms_opt(9, 0, 0)).expect("time");
        assert_eq!(export_date(t), "Fri Dec 19 2025");
        assert_eq!(
            (plain_money(17136), plain_money(-9900), plain_money(0)),
            ("171.36".into(), "-99".into(), "0".into())
        );
    }
}
