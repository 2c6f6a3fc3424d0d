//! The generated account: the simulator's ground truth.
//!
//! Shapes follow the shares measured on one real appliance-repair account (WORKIZ_API.md): job
//! types, sources, statuses, four technicians, negative amounts due, payment methods, calls and
//! Pro Referral leads that were `Passed`. Everything is derived from one seed, so a seed and a
//! span always give the same account.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// A job as the simulator knows it. Money in cents.
#[derive(Debug, Clone, PartialEq)]
pub struct SimJob {
    pub uuid: String,
    pub serial_id: u64,
    pub status: String,
    pub sub_status: String,
    pub job_type: String,
    /// `None` for the jobs that have no source.
    pub source: Option<String>,
    /// `None` for jobs that were never scheduled.
    pub scheduled: Option<NaiveDateTime>,
    pub scheduled_end: Option<NaiveDateTime>,
    pub created: NaiveDateTime,
    pub last_status_update: NaiveDateTime,
    pub client_id: u64,
    pub total_cents: i64,
    pub amount_due_cents: i64,
    pub phone: String,
    pub first_name: String,
    pub last_name: String,
    pub team: Vec<SimTeamRef>,
    pub tags: Vec<String>,
    pub comments: Vec<String>,
    /// Account custom fields: extra top-level keys.
    pub custom: Vec<(String, String)>,
    pub payments: Vec<SimPayment>,
    /// Keys written over the rendered record, to make it malformed on purpose in tests.
    pub wire_overrides: Vec<(String, serde_json::Value)>,
}

impl SimJob {
    /// paid = total − amount due, the identity Workiz keeps.
    pub fn paid_cents(&self) -> i64 {
        self.total_cents - self.amount_due_cents
    }

    /// The moment the listing orders and filters by: the schedule, or the creation time.
    pub fn list_time(&self) -> NaiveDateTime {
        self.scheduled.unwrap_or(self.created)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimTeamRef {
    pub id: u64,
    pub name: String,
}

/// One payment on a job's invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimPayment {
    pub id: String,
    pub invoice_id: String,
    pub job_uuid: String,
    pub paid_at: NaiveDateTime,
    pub amount_cents: i64,
    pub tip_cents: i64,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SimLead {
    pub uuid: String,
    pub serial_id: u64,
    pub status: String,
    pub lead_type: String,
    pub source: Option<String>,
    pub scheduled: Option<NaiveDateTime>,
    pub created: Option<NaiveDateTime>,
    pub client_id: u64,
    pub phone: String,
    pub first_name: String,
    pub last_name: String,
    pub total_cents: i64,
    pub amount_due_cents: i64,
    pub lost: bool,
    pub team: Vec<SimTeamRef>,
    /// Keys written over the rendered record, to make it malformed on purpose in tests.
    pub wire_overrides: Vec<(String, serde_json::Value)>,
}

impl SimLead {
    pub fn list_time(&self) -> Option<NaiveDateTime> {
        self.scheduled.or(self.created)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCall {
    pub id: String,
    pub from_name: String,
    pub from_number: String,
    pub to_name: String,
    pub to_number: String,
    pub time: NaiveDateTime,
    pub flow: String,
    pub ad_group: Option<String>,
    pub answered: bool,
    pub job_uuid: Option<String>,
    pub job_serial: Option<u64>,
    pub duration_secs: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimTeamMember {
    pub id: u64,
    pub name: String,
    pub role: String,
    pub email: String,
    pub field_tech: bool,
    pub active: bool,
    pub created: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimTimeOff {
    pub user_name: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimClient {
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub source: Option<String>,
}

/// How much account to generate.
#[derive(Debug, Clone)]
pub struct AccountShape {
    pub seed: u64,
    /// Days of history, ending with `last_day`.
    pub days: u32,
    pub last_day: NaiveDate,
    pub jobs_per_day: f64,
    pub leads_per_day: f64,
    pub calls_per_day: f64,
}

impl AccountShape {
    pub fn new(seed: u64, days: u32, last_day: NaiveDate) -> Self {
        Self { seed, days, last_day, jobs_per_day: 8.0, leads_per_day: 12.0, calls_per_day: 160.0 }
    }

    pub fn first_day(&self) -> NaiveDate {
        self.last_day - Duration::days(i64::from(self.days.max(1)) - 1)
    }
}

/// The whole generated account. Deleted records stay here, flagged, so tests can assert on them.
#[derive(Debug, Clone, Default)]
pub struct Account {
    pub jobs: Vec<SimJob>,
    pub deleted_jobs: Vec<SimJob>,
    pub leads: Vec<SimLead>,
    pub calls: Vec<SimCall>,
    pub team: Vec<SimTeamMember>,
    pub time_off: Vec<SimTimeOff>,
    pub clients: Vec<SimClient>,
    /// The simulator's "now": list endpoints show nothing scheduled after it.
    pub now: NaiveDateTime,
    next_serial: u64,
    used_uuids: HashSet<String>,
}

/// Shares from the measured account.
pub const JOB_TYPES: &[(&str, f64)] = &[
    ("COD Service", 38.0),
    ("INS Service", 27.0),
    ("COD Repair", 18.0),
    ("INS Repair", 10.0),
    ("Warranty", 5.0),
    ("Service", 0.8),
    ("Repair", 0.6),
    ("Service call", 0.6),
];

pub const SOURCES: &[(Option<&str>, f64)] = &[
    (Some("eLocals"), 31.0),
    (Some("Rely"), 27.0),
    (Some("Pro Referral"), 14.0),
    (Some("Insurance"), 7.0),
    (None, 6.0),
    (Some("NSA"), 5.0),
    (Some("Liberty"), 4.0),
    (Some("Google"), 3.0),
    (Some("Puls"), 2.0),
    (Some("Retention"), 1.0),
    (Some("Service direct"), 0.5),
    (Some("Thumbtack"), 0.5),
];

pub const JOB_STATUSES: &[(&str, f64)] =
    &[("Done", 87.0), ("Canceled", 9.5), ("Submitted", 2.0), ("Pending", 1.0), ("done pending approval", 0.5)];

pub const PAYMENT_METHODS: &[(&str, f64)] = &[
    ("charge", 30.0),
    ("Check", 20.0),
    ("Credit", 20.0),
    ("Cash", 12.0),
    ("Venmo", 6.0),
    ("Zelle", 8.0),
    ("Offline Bank Transfer", 4.0),
];

const LEAD_STATUSES: &[(&str, f64)] = &[("new", 20.0), ("in progress", 25.0), ("Canceled", 15.0), ("Converted", 40.0)];
const FLOWS: &[(&str, f64)] = &[("Forward to Dispatch", 55.0), ("eLocals", 30.0), ("GoogleAds", 15.0)];
const TECHNICIANS: &[(u64, &str)] = &[(271865, "Daniel"), (271866, "Robert"), (271867, "Max"), (271868, "Alex")];
const FIRST_NAMES: &[&str] =
    &["James", "Mary", "John", "Patricia", "Robert", "Linda", "Michael", "Susan", "Maria", "David", "Karen", "Omar"];
const LAST_NAMES: &[&str] =
    &["Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Moore", "Lee", "Walker", "Young"];
const CITIES: &[(&str, &str, &str)] =
    &[("Tampa", "FL", "33602"), ("Orlando", "FL", "32801"), ("Clearwater", "FL", "33755"), ("Brandon", "FL", "33511")];
const BRANDS: &[&str] = &["Whirlpool", "Samsung", "LG", "GE", "Frigidaire", "Bosch"];

pub(crate) fn pick<'a, T>(rng: &mut StdRng, table: &'a [(T, f64)]) -> &'a T {
    let total: f64 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0.0..total);
    for (item, weight) in table {
        if x < *weight {
            return item;
        }
        x -= weight;
    }
    &table[table.len() - 1].0
}

fn one_of<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A count around `mean` (uniform ±50 %), so days differ.
fn count_around(rng: &mut StdRng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    let x = rng.random_range(mean * 0.5..mean * 1.5);
    let whole = x.floor();
    whole as u32 + u32::from(rng.random_bool(x - whole))
}

fn time_on(day: NaiveDate, rng: &mut StdRng, from_hour: u32, to_hour: u32) -> NaiveDateTime {
    let hour = rng.random_range(from_hour..to_hour);
    let minute = *one_of(rng, &[0u32, 0, 15, 30, 30, 45]);
    day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN))
}

fn phone(rng: &mut StdRng) -> String {
    format!("(813) {:03}-{:04}", rng.random_range(200..999), rng.random_range(0..10000))
}

fn dollars(rng: &mut StdRng, from: i64, to: i64) -> i64 {
    // Mostly whole dollars, sometimes with cents, as real invoices are.
    let whole = rng.random_range(from..=to) * 100;
    if rng.random_bool(0.3) { whole + rng.random_range(1..100) } else { whole }
}

impl Account {
    /// Generates an account of the given shape.
    pub fn generate(shape: &AccountShape) -> Self {
        let mut rng = StdRng::seed_from_u64(shape.seed);
        let now = shape.last_day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
        let mut account = Account { now, next_serial: 1000, ..Default::default() };
        account.team = generate_team(shape.first_day());
        let first = shape.first_day();
        for offset in 0..shape.days.max(1) {
            let day = first + Duration::days(i64::from(offset));
            for _ in 0..count_around(&mut rng, shape.jobs_per_day) {
                let job = account.new_job(&mut rng, day);
                account.jobs.push(job);
            }
            for _ in 0..count_around(&mut rng, shape.leads_per_day) {
                let lead = account.new_lead(&mut rng, day);
                account.leads.push(lead);
            }
            let day_calls = count_around(&mut rng, shape.calls_per_day);
            account.generate_calls(&mut rng, day, day_calls);
        }
        account.time_off = generate_time_off(&mut rng, first, shape.days);
        account
    }

    fn new_uuid(&mut self, rng: &mut StdRng) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        loop {
            let uuid: String = (0..6).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
            if self.used_uuids.insert(uuid.clone()) {
                return uuid;
            }
        }
    }

    fn client_for(&mut self, rng: &mut StdRng, source: Option<&str>) -> SimClient {
        // About a third of customers come back.
        if !self.clients.is_empty() && rng.random_bool(0.3) {
            return one_of(rng, &self.clients).clone();
        }
        let (city, state, zip) = *one_of(rng, CITIES);
        let first_name = one_of(rng, FIRST_NAMES).to_string();
        let last_name = one_of(rng, LAST_NAMES).to_string();
        let client = SimClient {
            id: 5000 + self.clients.len() as u64,
            email: format!(
                "{}.{}{}@example.com",
                first_name.to_lowercase(),
                last_name.to_lowercase(),
                self.clients.len()
            ),
            first_name,
            last_name,
            phone: phone(rng),
            address: format!(
                "{} {} St",
                rng.random_range(100..9999),
                one_of(rng, &["Oak", "Palm", "Bay", "Main", "Lake"])
            ),
            city: city.to_owned(),
            state: state.to_owned(),
            zip: zip.to_owned(),
            source: source.map(str::to_owned),
        };
        self.clients.push(client.clone());
        client
    }

    /// A new job on `day`, with payments that add up to its paid amount.
    pub fn new_job(&mut self, rng: &mut StdRng, day: NaiveDate) -> SimJob {
        let uuid = self.new_uuid(rng);
        let serial_id = self.next_serial;
        self.next_serial += 1;
        let mut job_type = pick(rng, JOB_TYPES).to_string();
        // A few spellings differ in case and white space, as typed by hand.
        if rng.random_bool(0.01) {
            job_type = format!(" {} ", job_type.to_lowercase());
        }
        let source = pick(rng, SOURCES).map(str::to_owned);
        let status = pick(rng, JOB_STATUSES).to_string();
        let client = self.client_for(rng, source.as_deref());
        let scheduled_at = time_on(day, rng, 8, 18);
        let unscheduled = matches!(status.as_str(), "Submitted" | "Pending") && rng.random_bool(0.5);
        let created = scheduled_at - Duration::minutes(rng.random_range(30..(3 * 24 * 60)));
        let scheduled = (!unscheduled).then_some(scheduled_at);
        let base = job_type.trim().to_lowercase();
        let mut total = match base.as_str() {
            "cod service" if rng.random_bool(0.10) => {
                // The 10 % paid more than 100, with the exact boundary now and then.
                if rng.random_bool(0.05) { 10001 } else { dollars(rng, 101, 350) }
            }
            "cod service" => {
                if rng.random_bool(0.05) {
                    10000
                } else {
                    dollars(rng, 49, 99)
                }
            }
            "ins service" => dollars(rng, 0, 100),
            "cod repair" => dollars(rng, 150, 900),
            "ins repair" => dollars(rng, 100, 600),
            "warranty" => dollars(rng, 0, 150),
            _ => dollars(rng, 50, 300),
        };
        if status == "Canceled" {
            total = 0;
        }
        let amount_due = match status.as_str() {
            "Submitted" | "Pending" => total,
            _ if total > 0 && rng.random_bool(0.15) => -dollars(rng, 1, 40),
            _ if total > 0 && rng.random_bool(0.05) => total / 2,
            _ => 0,
        };
        let mut team = vec![];
        if !unscheduled {
            let (id, name) = *one_of(rng, TECHNICIANS);
            team.push(SimTeamRef { id, name: name.to_owned() });
            if rng.random_bool(0.02) {
                let (id2, name2) = *one_of(rng, TECHNICIANS);
                if id2 != id {
                    team.push(SimTeamRef { id: id2, name: name2.to_owned() });
                }
            }
        }
        let comments = match rng.random_range(0..4) {
            0 => vec![],
            1 => vec!["Customer asked to call 30 minutes ahead".to_owned()],
            2 => vec!["Gate code 1234".to_owned(), "Dog in the yard".to_owned()],
            _ => vec![format!("Model {}-{}", one_of(rng, BRANDS), rng.random_range(100..999))],
        };
        let mut custom = vec![];
        if rng.random_bool(0.6) {
            custom.push(("Appliance Brand".to_owned(), one_of(rng, BRANDS).to_string()));
        }
        if rng.random_bool(0.2) {
            custom.push(("warranty_claim".to_owned(), format!("WC-{}", rng.random_range(10000..99999))));
        }
        let paid = total - amount_due;
        let end = scheduled.map(|s| s + Duration::hours(2));
        let last_status_update = scheduled.unwrap_or(created) + Duration::minutes(rng.random_range(5..240));
        let mut job = SimJob {
            uuid,
            serial_id,
            status,
            sub_status: if rng.random_bool(0.1) { "Waiting for parts".to_owned() } else { String::new() },
            job_type,
            source,
            scheduled,
            scheduled_end: end,
            created,
            last_status_update,
            client_id: client.id,
            total_cents: total,
            amount_due_cents: amount_due,
            phone: client.phone.clone(),
            first_name: client.first_name.clone(),
            last_name: client.last_name.clone(),
            team,
            tags: if rng.random_bool(0.3) { vec!["Work".to_owned()] } else { vec![] },
            comments,
            custom,
            payments: vec![],
            wire_overrides: vec![],
        };
        if paid > 0 {
            job.payments = self.payments_for(rng, &job, paid);
        }
        job
    }

    fn payments_for(&mut self, rng: &mut StdRng, job: &SimJob, paid: i64) -> Vec<SimPayment> {
        let invoice_id = format!("IV-{}{}", job.uuid, job.serial_id);
        let paid_at = job.scheduled.unwrap_or(job.created) + Duration::minutes(rng.random_range(30..180));
        let parts = if paid > 20000 && rng.random_bool(0.3) { vec![paid / 2, paid - paid / 2] } else { vec![paid] };
        parts
            .into_iter()
            .enumerate()
            .map(|(i, amount)| SimPayment {
                id: format!("PAY-{}{}", job.uuid, i),
                invoice_id: invoice_id.clone(),
                job_uuid: job.uuid.clone(),
                paid_at: paid_at + Duration::days(i as i64),
                amount_cents: amount,
                tip_cents: 0,
                method: pick(rng, PAYMENT_METHODS).to_string(),
            })
            .collect()
    }

    pub fn new_lead(&mut self, rng: &mut StdRng, day: NaiveDate) -> SimLead {
        let uuid = self.new_uuid(rng);
        let serial_id = self.next_serial;
        self.next_serial += 1;
        let source = pick(rng, SOURCES).map(str::to_owned);
        let status = if source.as_deref() == Some("Pro Referral") && rng.random_bool(0.3) {
            "Passed".to_owned()
        } else {
            pick(rng, LEAD_STATUSES).to_string()
        };
        let created_at = time_on(day, rng, 7, 21);
        let client = self.client_for(rng, source.as_deref());
        let scheduled = rng.random_bool(0.6).then(|| created_at + Duration::hours(rng.random_range(2..48)));
        // A few leads lack a creation date; their day then comes from the schedule.
        let created = if scheduled.is_some() && rng.random_bool(0.02) { None } else { Some(created_at) };
        let total = if rng.random_bool(0.3) { dollars(rng, 50, 500) } else { 0 };
        let lost = status == "Canceled" || status == "Passed";
        let team = if scheduled.is_some() {
            let (id, name) = *one_of(rng, TECHNICIANS);
            vec![SimTeamRef { id, name: name.to_owned() }]
        } else {
            vec![]
        };
        SimLead {
            uuid,
            serial_id,
            status,
            lead_type: pick(rng, JOB_TYPES).to_string(),
            source,
            scheduled,
            created,
            client_id: client.id,
            phone: client.phone,
            first_name: client.first_name,
            last_name: client.last_name,
            total_cents: total,
            amount_due_cents: total,
            lost,
            team,
            wire_overrides: vec![],
        }
    }

    fn generate_calls(&mut self, rng: &mut StdRng, day: NaiveDate, count: u32) {
        let day_jobs: Vec<(String, u64, String)> = self
            .jobs
            .iter()
            .rev()
            .take_while(|j| j.list_time().date() >= day - Duration::days(1))
            .filter(|j| j.list_time().date() == day)
            .map(|j| (j.uuid.clone(), j.serial_id, j.phone.clone()))
            .collect();
        let day_leads: Vec<String> = self
            .leads
            .iter()
            .rev()
            .take(40)
            .filter(|l| l.list_time().is_some_and(|t| t.date() == day))
            .map(|l| l.phone.clone())
            .collect();
        let mut taken = HashSet::new();
        for n in 0..count {
            let flow = pick(rng, FLOWS).to_string();
            let ad_group = match flow.as_str() {
                "GoogleAds" if rng.random_bool(0.7) => {
                    Some(one_of(rng, &["Appliance Repair", "Refrigerator Repair", "Washer Repair"]).to_string())
                }
                _ => None,
            };
            let linked = !day_jobs.is_empty() && rng.random_bool(0.2);
            let (job_uuid, job_serial, from_number) = if linked {
                let (uuid, serial, phone) = one_of(rng, &day_jobs).clone();
                (Some(uuid), Some(serial), phone)
            } else if !day_leads.is_empty() && rng.random_bool(0.1) {
                (None, None, one_of(rng, &day_leads).clone())
            } else {
                (None, None, phone(rng))
            };
            let answered = rng.random_bool(0.8);
            // The export has minutes, not seconds, and no call id: a caller's calls are told apart
            // by their minute, so the generator never puts two in the same minute.
            let mut time = time_on(day, rng, 7, 22) + Duration::minutes(rng.random_range(0..15));
            while !taken.insert((from_number.clone(), time)) {
                time += Duration::minutes(1);
            }
            self.calls.push(SimCall {
                id: format!("CALL-{}-{n}", day.format("%Y%m%d")),
                from_name: format!("{} {}", one_of(rng, FIRST_NAMES), one_of(rng, LAST_NAMES)),
                from_number,
                to_name: "Main Line".to_owned(),
                to_number: "(813) 555-0100".to_owned(),
                time,
                flow,
                ad_group,
                answered,
                job_uuid,
                job_serial,
                duration_secs: if answered { rng.random_range(10..900) } else { 0 },
            });
        }
    }

    /// Adds a job scheduled at `now`, the newest of all: used to change a listing between pages.
    pub fn insert_newest_job(&mut self, rng: &mut StdRng) -> String {
        let day = self.now.date();
        let mut job = self.new_job(rng, day);
        job.scheduled = Some(self.now - Duration::seconds(1));
        job.status = "Submitted".to_owned();
        let uuid = job.uuid.clone();
        self.jobs.push(job);
        uuid
    }

    /// Marks a job deleted: lists stop showing it and `job/get` answers 204.
    pub fn delete_job(&mut self, uuid: &str) -> bool {
        match self.jobs.iter().position(|j| j.uuid == uuid) {
            Some(i) => {
                let job = self.jobs.remove(i);
                self.deleted_jobs.push(job);
                true
            }
            None => false,
        }
    }

    pub fn job(&self, uuid: &str) -> Option<&SimJob> {
        self.jobs.iter().find(|j| j.uuid == uuid)
    }

    pub fn job_mut(&mut self, uuid: &str) -> Option<&mut SimJob> {
        self.jobs.iter_mut().find(|j| j.uuid == uuid)
    }

    pub fn lead(&self, uuid: &str) -> Option<&SimLead> {
        self.leads.iter().find(|l| l.uuid == uuid)
    }

    /// Every payment of every job.
    pub fn payments(&self) -> impl Iterator<Item = &SimPayment> {
        self.jobs.iter().flat_map(|j| j.payments.iter())
    }
}

fn generate_team(first_day: NaiveDate) -> Vec<SimTeamMember> {
    let created = (first_day - Duration::days(400)).and_time(NaiveTime::MIN);
    let mut team: Vec<SimTeamMember> = TECHNICIANS
        .iter()
        .map(|(id, name)| SimTeamMember {
            id: *id,
            name: (*name).to_owned(),
            role: "Technician".to_owned(),
            email: format!("{}@example-repair.com", name.to_lowercase()),
            field_tech: true,
            active: true,
            created,
        })
        .collect();
    team.push(SimTeamMember {
        id: 271860,
        name: "Dana Dispatch".to_owned(),
        role: "Dispatcher".to_owned(),
        email: "dispatch@example-repair.com".to_owned(),
        field_tech: false,
        active: true,
        created,
    });
    team
}

fn generate_time_off(rng: &mut StdRng, first: NaiveDate, days: u32) -> Vec<SimTimeOff> {
    let entries = (days / 30).max(1);
    (0..entries)
        .map(|_| {
            let (_, name) = *one_of(rng, TECHNICIANS);
            let start = (first + Duration::days(rng.random_range(0..i64::from(days.max(1))))).and_time(NaiveTime::MIN);
            SimTimeOff { user_name: name.to_owned(), start, end: start + Duration::days(rng.random_range(1..5)) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> AccountShape {
        AccountShape::new(7, 365, NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"))
    }

    #[test]
    fn same_seed_same_account() {
        let a = Account::generate(&shape());
        let b = Account::generate(&shape());
        assert_eq!(a.jobs, b.jobs);
        assert_eq!(a.leads, b.leads);
        assert_eq!(a.calls.len(), b.calls.len());
    }

    #[test]
    fn shares_follow_the_measured_account() {
        let account = Account::generate(&shape());
        let n = account.jobs.len() as f64;
        assert!(n > 2000.0, "{n}");
        let share = |f: &dyn Fn(&SimJob) -> bool| account.jobs.iter().filter(|j| f(j)).count() as f64 / n;
        let cod_service = share(&|j| j.job_type == "COD Service");
        assert!((0.33..0.43).contains(&cod_service), "{cod_service}");
        let done = share(&|j| j.status == "Done");
        assert!((0.83..0.91).contains(&done), "{done}");
        let negative_due = share(&|j| j.amount_due_cents < 0);
        assert!((0.09..0.17).contains(&negative_due), "{negative_due}");
        let cods: Vec<_> = account.jobs.iter().filter(|j| j.job_type == "COD Service").collect();
        let over_100 = cods.iter().filter(|j| j.paid_cents() > 10000).count() as f64 / cods.len() as f64;
        assert!((0.05..0.15).contains(&over_100), "{over_100}");
        let two_techs = share(&|j| j.team.len() == 2);
        assert!(two_techs > 0.0 && two_techs < 0.05, "{two_techs}");
        assert!(account.leads.iter().any(|l| l.status == "Passed" && l.source.as_deref() == Some("Pro Referral")));
        let linked = account.calls.iter().filter(|c| c.job_uuid.is_some()).count() as f64 / account.calls.len() as f64;
        assert!((0.01..0.3).contains(&linked), "{linked}");
        for job in &account.jobs {
            assert_eq!(
                job.payments.iter().map(|p| p.amount_cents).sum::<i64>(),
                job.paid_cents().max(0),
                "{}",
                job.uuid
            );
        }
    }
}
