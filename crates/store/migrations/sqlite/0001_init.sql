-- Every table is keyed by account; money is integer cents; `day` is the record's local day
-- (YYYY-MM-DD) as METRICS.md defines it; `raw` is the record as received.
CREATE TABLE jobs (
    account_id TEXT NOT NULL,
    uuid TEXT NOT NULL,
    serial_id TEXT,
    status TEXT,
    sub_status TEXT,
    job_type TEXT,
    source TEXT,
    scheduled_at TEXT,
    created_at TEXT,
    day TEXT,
    client_id TEXT,
    total_cents INTEGER,
    amount_due_cents INTEGER,
    paid_cents INTEGER,
    phone TEXT,
    team TEXT,
    origin TEXT NOT NULL,
    raw TEXT NOT NULL,
    raw_hash INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (account_id, uuid)
);
CREATE INDEX jobs_by_day ON jobs (account_id, day);

CREATE TABLE leads (
    account_id TEXT NOT NULL,
    uuid TEXT NOT NULL,
    serial_id TEXT,
    status TEXT,
    lead_type TEXT,
    source TEXT,
    scheduled_at TEXT,
    created_at TEXT,
    day TEXT,
    client_id TEXT,
    phone_digits TEXT,
    total_cents INTEGER,
    origin TEXT NOT NULL,
    raw TEXT NOT NULL,
    raw_hash INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (account_id, uuid)
);
CREATE INDEX leads_by_day ON leads (account_id, day);

CREATE TABLE calls (
    account_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    started_at TEXT,
    day TEXT,
    flow TEXT,
    ad_group TEXT,
    source TEXT,
    answered INTEGER,
    job_uuid TEXT,
    from_digits TEXT,
    duration_secs INTEGER,
    origin TEXT NOT NULL,
    raw TEXT NOT NULL,
    raw_hash INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (account_id, call_id)
);
CREATE INDEX calls_by_day ON calls (account_id, day);

CREATE TABLE payments (
    account_id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    job_uuid TEXT,
    paid_at TEXT,
    day TEXT,
    amount_cents INTEGER NOT NULL,
    tip_cents INTEGER,
    method TEXT,
    origin TEXT NOT NULL,
    raw TEXT NOT NULL,
    raw_hash INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (account_id, payment_id)
);
CREATE INDEX payments_by_day ON payments (account_id, day);
CREATE INDEX payments_by_job ON payments (account_id, job_uuid);

CREATE TABLE spend (
    account_id TEXT NOT NULL,
    source TEXT NOT NULL,
    date_from TEXT NOT NULL,
    date_to TEXT NOT NULL,
    campaign TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    origin TEXT NOT NULL,
    raw TEXT NOT NULL,
    raw_hash INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (account_id, source, date_from, date_to, campaign)
);

CREATE TABLE team_members (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    role TEXT,
    email TEXT,
    field_tech INTEGER,
    active INTEGER,
    origin TEXT NOT NULL,
    raw TEXT NOT NULL,
    raw_hash INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE time_off (
    account_id TEXT NOT NULL,
    entry_key TEXT NOT NULL,
    user_name TEXT NOT NULL,
    starts_at TEXT,
    ends_at TEXT,
    origin TEXT NOT NULL,
    raw TEXT NOT NULL,
    raw_hash INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (account_id, entry_key)
);

CREATE TABLE clients (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    company TEXT,
    email TEXT,
    phone TEXT,
    address TEXT,
    city TEXT,
    state TEXT,
    zip TEXT,
    source TEXT,
    origin TEXT NOT NULL,
    raw TEXT NOT NULL,
    raw_hash INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE sync_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    resource TEXT NOT NULL,
    mode TEXT NOT NULL,
    holder TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    pages INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    throttled INTEGER NOT NULL DEFAULT 0,
    seen INTEGER NOT NULL DEFAULT 0,
    inserted INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
CREATE INDEX sync_runs_by_resource ON sync_runs (account_id, resource, started_at);

CREATE TABLE rejected_records (
    account_id TEXT NOT NULL,
    resource TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    record_key TEXT,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    times_seen INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (account_id, resource, fingerprint)
);

CREATE TABLE leases (
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    holder TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
);
