use std::time::Duration;

use chrono::NaiveDate;

use crate::account::AccountShape;
use crate::wire::WireStyle;

/// What `offset` counts in the simulated API (the real meaning is uncertain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetMeaning {
    Records,
    Pages,
}

/// How list answers are wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeStyle {
    /// `{"flag":true,"data":[…],"has_more":…}`
    Wrapped,
    /// The same with a `found` total.
    WrappedWithFound,
    /// A bare JSON array.
    Bare,
}

/// One injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    TooManyRequests,
    InternalError,
    BadGateway,
    /// Answers only after `SimConfig::stall`.
    Timeout,
    /// A 200 whose JSON body is cut off halfway.
    Truncated,
    /// A 200 whose body is not JSON.
    Malformed,
    /// A 200 with `{"flag":false,"msg":…}`.
    FlagFalse,
}

impl Fault {
    pub const ALL: [Fault; 7] = [
        Fault::TooManyRequests,
        Fault::InternalError,
        Fault::BadGateway,
        Fault::Timeout,
        Fault::Truncated,
        Fault::Malformed,
        Fault::FlagFalse,
    ];
}

/// Random faults: each request draws against these probabilities (0.0 to 1.0), from an RNG seeded
/// by the account seed, so a run with faults is repeatable request by request.
#[derive(Debug, Clone, Default)]
pub struct FaultRates {
    pub too_many_requests: f64,
    pub internal_error: f64,
    pub bad_gateway: f64,
    pub timeout: f64,
    pub truncated: f64,
    pub malformed: f64,
    pub flag_false: f64,
    /// Chance that a page repeats the last records of the previous page.
    pub duplicate_across_pages: f64,
    /// Chance that the account changes after a page is served (a new newest job, an edited job),
    /// at most `change_budget` times.
    pub change_between_pages: f64,
    pub change_budget: u32,
}

impl FaultRates {
    /// Every fault at once, at rates a client with retries must survive.
    pub fn chaos() -> Self {
        Self {
            too_many_requests: 0.04,
            internal_error: 0.03,
            bad_gateway: 0.03,
            timeout: 0.02,
            truncated: 0.03,
            malformed: 0.02,
            flag_false: 0.02,
            duplicate_across_pages: 0.3,
            change_between_pages: 0.3,
            change_budget: 5,
        }
    }

    pub(crate) fn table(&self) -> [(Fault, f64); 7] {
        [
            (Fault::TooManyRequests, self.too_many_requests),
            (Fault::InternalError, self.internal_error),
            (Fault::BadGateway, self.bad_gateway),
            (Fault::Timeout, self.timeout),
            (Fault::Truncated, self.truncated),
            (Fault::Malformed, self.malformed),
            (Fault::FlagFalse, self.flag_false),
        ]
    }
}

/// Every setting of the simulator. Defaults match what is known of the real API.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub shape: AccountShape,
    /// The token the simulator accepts (`api_` + 32 lowercase alphanumerics by default).
    pub token: String,
    /// The account secret for writes.
    pub secret: String,
    /// At most this many requests per window (sliding); `None` for no limit.
    pub rate_limit: Option<(u32, Duration)>,
    pub offset_meaning: OffsetMeaning,
    pub envelope: EnvelopeStyle,
    pub wire_style: WireStyle,
    /// Added to every answer.
    pub latency: Duration,
    /// How long a `Timeout` fault holds its answer.
    pub stall: Duration,
    pub faults: FaultRates,
    /// Which of the seed's extra paths answer (`payments`, `calls`, …); the rest say
    /// "Invalid end point".
    pub extra_endpoints: Vec<String>,
    /// The HTTP status of an "Invalid end point" answer (uncertain: 200 or 404).
    pub invalid_endpoint_status: u16,
}

/// A token derived from the seed, so a seed always gives the same token.
pub fn token_for_seed(seed: u64) -> String {
    let mut x = seed ^ 0x9e37_79b9_7f4a_7c15;
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut token = String::from("api_");
    for _ in 0..32 {
        // splitmix64
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        token.push(alphabet[(z % alphabet.len() as u64) as usize] as char);
    }
    token
}

impl SimConfig {
    pub fn new(seed: u64, days: u32, last_day: NaiveDate) -> Self {
        Self {
            shape: AccountShape::new(seed, days, last_day),
            token: token_for_seed(seed),
            secret: format!("sec_{}", &token_for_seed(seed.wrapping_add(1))[4..24]),
            rate_limit: Some((30, Duration::from_secs(60))),
            offset_meaning: OffsetMeaning::Records,
            envelope: EnvelopeStyle::Wrapped,
            wire_style: WireStyle::Mixed,
            latency: Duration::ZERO,
            stall: Duration::from_secs(40),
            faults: FaultRates::default(),
            extra_endpoints: Vec::new(),
            invalid_endpoint_status: 200,
        }
    }
}
