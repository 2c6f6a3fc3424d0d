//! Paging through `job/all` and `lead/all`.
//!
//! `has_more` is the only continuation signal. What `offset` means is uncertain: the vendor text
//! says "record offset", a production SDK advances it by one per page. In `Auto` mode the second
//! request asks for offset 1: if the answer mostly repeats the first page, offsets count records;
//! if it is all new, they count pages. Records are de-duplicated by key across pages and a page
//! that adds nothing new ends the listing, so neither meaning can loop or double a record.

use std::collections::HashSet;

use chrono::NaiveDate;
use futures::Stream;

use crate::client::Client;
use crate::error::Error;
use crate::events::PageFetched;
use crate::model::{Record, RecordError};

/// What the `offset` parameter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum OffsetMode {
    /// Find out from the answers.
    Auto = 0,
    /// `offset` is a record index.
    Records = 1,
    /// `offset` is a page number.
    Pages = 2,
}

impl OffsetMode {
    pub(crate) fn from_u8(value: u8) -> Self {
        match value {
            1 => Self::Records,
            2 => Self::Pages,
            _ => Self::Auto,
        }
    }
}

/// Parameters of a list request.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// Records scheduled on or after this day (Workiz's `start_date`).
    pub start_date: NaiveDate,
    /// Workiz hides Done and Canceled records unless this is false.
    pub only_open: bool,
    /// Restricts to these statuses (sent as repeated `status` keys); empty for all.
    pub statuses: Vec<String>,
}

impl ListQuery {
    /// Every record, open or not, from `start_date` on.
    pub fn since(start_date: NaiveDate) -> Self {
        Self { start_date, only_open: false, statuses: Vec::new() }
    }
}

/// One page of a listing, with the records that were new to this listing.
#[derive(Debug)]
pub struct Page<T> {
    /// 0 for the first page.
    pub number: u32,
    pub offset: u64,
    /// Records not seen earlier in this listing, decoded or rejected, in the order received.
    pub records: Vec<Result<T, RecordError>>,
    /// Records of this page already delivered on an earlier page.
    pub duplicates: usize,
    /// The total the answer claimed, when it did.
    pub found: Option<u64>,
}

pub(crate) fn pages<T: Record>(
    client: Client,
    path: &'static str,
    query: ListQuery,
) -> impl Stream<Item = Result<Page<T>, Error>> + Send + 'static {
    async_stream::try_stream! {
        let page_size = u64::from(client.config().page_size);
        let mut mode = client.offset_mode();
        let mut seen: HashSet<String> = HashSet::new();
        let mut offset = 0u64;
        let mut number = 0u32;
        loop {
            let mut params = vec![
                ("start_date", query.start_date.format("%Y-%m-%d").to_string()),
                ("offset", offset.to_string()),
                ("records", page_size.to_string()),
                ("only_open", query.only_open.to_string()),
            ];
            params.extend(query.statuses.iter().map(|s| ("status", s.clone())));
            let envelope = client.get_list(path, &params).await?;
            let received = envelope.records.len();
            let found = envelope.found;
            let has_more = envelope.has_more;
            let mut records = Vec::with_capacity(received);
            let mut duplicates = 0;
            for text in envelope.records {
                let decoded = T::decode_json(text);
                let key = match &decoded {
                    Ok(record) => Some(record.key().to_owned()),
                    Err(rejected) => rejected.key.clone(),
                };
                let is_new = key.is_none_or(|key| seen.insert(key));
                if is_new {
                    records.push(decoded);
                } else {
                    duplicates += 1;
                }
            }
            let new_records = records.len();
            PageFetched { endpoint: path, page: number, offset, records: received, new_records }.emit();
            yield Page { number, offset, records, duplicates, found };

            let more = has_more.unwrap_or(received as u64 >= page_size);
            if !more || received == 0 || new_records == 0 {
                break;
            }
            offset = match mode {
                OffsetMode::Records => offset + page_size,
                // A page that mostly repeats the last one: the server counts records after all.
                OffsetMode::Pages if number > 0 && duplicates * 2 > received => {
                    mode = OffsetMode::Records;
                    client.learn_offset_mode(mode);
                    tracing::warn!(endpoint = path, "offset counts records here, not pages; switching");
                    offset + page_size
                }
                OffsetMode::Pages => offset + 1,
                OffsetMode::Auto if number == 0 => 1,
                OffsetMode::Auto => {
                    // The answer to offset=1: mostly repeats under the record meaning.
                    mode = if duplicates * 2 > received { OffsetMode::Records } else { OffsetMode::Pages };
                    client.learn_offset_mode(mode);
                    tracing::debug!(endpoint = path, ?mode, "learned what offset counts");
                    if mode == OffsetMode::Records { 1 + page_size } else { 2 }
                }
            };
            number += 1;
        }
    }
}
