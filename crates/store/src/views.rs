//! Reads of the BI views, so that tests (and tools built on the store) see what Metabase or
//! Grafana would.

use sqlx::Row;

use crate::backend::Store;
use crate::error::StoreError;

/// One row of the `job_facts` view: a job's rule flags as the database computes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFlags {
    pub uuid: String,
    pub segment: String,
    pub is_unit: bool,
    pub is_repair: bool,
}

/// One row of the `lead_facts` view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadFlags {
    pub uuid: String,
    pub segment: String,
    pub counts_as_lead: bool,
    pub is_pro_referral_lead: bool,
}

/// One row of the `daily_slices` view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailySlice {
    pub day: String,
    pub source_key: String,
    pub segment: Option<String>,
    pub jobs: i64,
    pub units: i64,
    pub repairs: i64,
    pub revenue_cents: i64,
    pub leads: i64,
    pub pro_referral_leads: i64,
    pub calls: i64,
}

impl Store {
    pub async fn job_flags(&self, account: &str) -> Result<Vec<JobFlags>, StoreError> {
        let rows =
            sqlx::query("SELECT uuid, segment, is_unit, is_repair FROM job_facts WHERE account_id = $1 ORDER BY uuid")
                .bind(account.to_owned())
                .fetch_all(&self.read)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(JobFlags {
                    uuid: r.try_get("uuid")?,
                    segment: r.try_get("segment")?,
                    is_unit: r.try_get::<i32, _>("is_unit")? == 1,
                    is_repair: r.try_get::<i32, _>("is_repair")? == 1,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    pub async fn lead_flags(&self, account: &str) -> Result<Vec<LeadFlags>, StoreError> {
        let rows = sqlx::query(
            "SELECT uuid, segment, counts_as_lead, is_pro_referral_lead FROM lead_facts WHERE account_id = $1 ORDER BY uuid",
        )
        .bind(account.to_owned())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LeadFlags {
                    uuid: r.try_get("uuid")?,
                    segment: r.try_get("segment")?,
                    counts_as_lead: r.try_get::<i32, _>("counts_as_lead")? == 1,
                    is_pro_referral_lead: r.try_get::<i32, _>("is_pro_referral_lead")? == 1,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// `daily_slices` rows of `from..=to`, after bringing the rollups up to date.
    pub async fn daily_slices(&self, account: &str, from: &str, to: &str) -> Result<Vec<DailySlice>, StoreError> {
        self.refresh_rollups(account).await?;
        let rows = sqlx::query(
            "SELECT day, source_key, segment, jobs, units, repairs, revenue_cents, leads, pro_referral_leads, calls \
             FROM daily_slices WHERE account_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, source_key, segment",
        )
        .bind(account.to_owned())
        .bind(from.to_owned())
        .bind(to.to_owned())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DailySlice {
                    day: r.try_get("day")?,
                    source_key: r.try_get("source_key")?,
                    segment: r.try_get("segment")?,
                    jobs: r.try_get("jobs")?,
                    units: r.try_get("units")?,
                    repairs: r.try_get("repairs")?,
                    revenue_cents: r.try_get("revenue_cents")?,
                    leads: r.try_get("leads")?,
                    pro_referral_leads: r.try_get("pro_referral_leads")?,
                    calls: r.try_get("calls")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}
