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
    }
}
