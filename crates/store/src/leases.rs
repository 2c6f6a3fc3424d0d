//! Leases: at most one holder per (account, name), with an expiry so that a killed holder does
//! not block the next one for ever. Claiming is one atomic upsert on either backend.

use std::time::Duration;

use sqlx::Row;

use crate::backend::Store;
use crate::error::StoreError;

/// A lease held by this process.
#[derive(Debug, Clone)]
pub struct Lease {
    pub account: String,
    pub name: String,
    pub holder: String,
    pub ttl: Duration,
}

/// Someone else holds the lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseHeld {
    pub holder: String,
    pub acquired_at: String,
    pub expires_at: String,
}

fn at(offset: Duration) -> String {
    let when = chrono::Utc::now() + chrono::Duration::from_std(offset).unwrap_or(chrono::Duration::zero());
    crate::timestamp_text(when)
}

impl Store {
    /// Claims the lease if it is free, expired, or held by a holder that `is_dead` says is gone.
    pub async fn acquire_lease(
        &self,
        account: &str,
        name: &str,
        holder: &str,
        ttl: Duration,
        is_dead: impl Fn(&str) -> bool,
    ) -> Result<Result<Lease, LeaseHeld>, StoreError> {
        let now = crate::now_text();
        let claimed = sqlx::query(
            "INSERT INTO leases (account_id, name, holder, acquired_at, expires_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (account_id, name) DO UPDATE SET holder = excluded.holder, \
             acquired_at = excluded.acquired_at, expires_at = excluded.expires_at \
             WHERE leases.expires_at < $4 OR leases.holder = $3",
        )
        .bind(account.to_owned())
        .bind(name.to_owned())
        .bind(holder.to_owned())
        .bind(now.clone())
        .bind(at(ttl))
        .execute(&self.write)
        .await?
        .rows_affected();
        let lease = Lease { account: account.to_owned(), name: name.to_owned(), holder: holder.to_owned(), ttl };
        if claimed == 1 {
            return Ok(Ok(lease));
        }
        let row = sqlx::query("SELECT holder, acquired_at, expires_at FROM leases WHERE account_id = $1 AND name = $2")
            .bind(account.to_owned())
            .bind(name.to_owned())
            .fetch_one(&self.write)
            .await?;
        let held = LeaseHeld {
            holder: row.try_get("holder")?,
            acquired_at: row.try_get("acquired_at")?,
            expires_at: row.try_get("expires_at")?,
        };
        if is_dead(&held.holder) {
            // Take over only from that exact holder, so two successors cannot both win.
            let taken = sqlx::query(
                "UPDATE leases SET holder = $1, acquired_at = $2, expires_at = $3 \
                 WHERE account_id = $4 AND name = $5 AND holder = $6",
            )
            .bind(holder.to_owned())
            .bind(now)
            .bind(at(ttl))
            .bind(account.to_owned())
            .bind(name.to_owned())
            .bind(held.holder.clone())
            .execute(&self.write)
            .await?
            .rows_affected();
            if taken == 1 {
                return Ok(Ok(lease));
            }
        }
        Ok(Err(held))
    }

    /// Extends a held lease; `false` if it was lost (expired and taken by someone else).
    pub async fn renew_lease(&self, lease: &Lease) -> Result<bool, StoreError> {
        let renewed =
            sqlx::query("UPDATE leases SET expires_at = $1 WHERE account_id = $2 AND name = $3 AND holder = $4")
                .bind(at(lease.ttl))
                .bind(lease.account.clone())
                .bind(lease.name.clone())
                .bind(lease.holder.clone())
                .execute(&self.write)
                .await?
                .rows_affected();
        Ok(renewed == 1)
    }

    pub async fn release_lease(&self, lease: &Lease) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM leases WHERE account_id = $1 AND name = $2 AND holder = $3")
            .bind(lease.account.clone())
            .bind(lease.name.clone())
            .bind(lease.holder.clone())
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
