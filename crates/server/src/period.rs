//! The dashboard's period picker: presets, a custom range, and the comparison period.

use chrono::{Datelike, Duration, Months, NaiveDate};

/// A preset or a custom range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Preset {
    Today,
    Yesterday,
    Last7,
    Last30,
    ThisMonth,
    LastMonth,
    ThisYear,
    Custom,
}

impl Preset {
    pub const ALL: [Preset; 8] = [
        Preset::Today,
        Preset::Yesterday,
        Preset::Last7,
        Preset::Last30,
        Preset::ThisMonth,
        Preset::LastMonth,
        Preset::ThisYear,
        Preset::Custom,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Today => "today",
            Self::Yesterday => "yesterday",
            Self::Last7 => "last7",
            Self::Last30 => "last30",
            Self::ThisMonth => "this_month",
            Self::LastMonth => "last_month",
            Self::ThisYear => "this_year",
            Self::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Today => "Today",
            Self::Yesterday => "Yesterday",
            Self::Last7 => "Last 7 days",
            Self::Last30 => "Last 30 days",
            Self::ThisMonth => "This month",
            Self::LastMonth => "Last month",
            Self::ThisYear => "This year",
            Self::Custom => "Custom",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == text)
    }

    /// The period of a preset on `today` (`None` for custom).
    pub fn period(self, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let first_of_month = today.with_day(1)?;
        Some(match self {
            Self::Today => (today, today),
            Self::Yesterday => (today - Duration::days(1), today - Duration::days(1)),
            Self::Last7 => (today - Duration::days(6), today),
            Self::Last30 => (today - Duration::days(29), today),
            Self::ThisMonth => (first_of_month, today),
            Self::LastMonth => {
                let start = first_of_month.checked_sub_months(Months::new(1))?;
                (start, first_of_month - Duration::days(1))
            }
            Self::ThisYear => (NaiveDate::from_ymd_opt(today.year(), 1, 1)?, today),
            Self::Custom => return None,
        })
    }
}

/// What the period is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compare {
    Previous,
    LastYear,
    None,
}

impl Compare {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "previous" => Some(Self::Previous),
            "last_year" => Some(Self::LastYear),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Previous => "previous",
            Self::LastYear => "last_year",
            Self::None => "none",
        }
    }

    /// The period to compare `from..=to` with: the same number of days just before, or the same
    /// dates a year earlier.
    pub fn period(self, from: NaiveDate, to: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        match self {
            Self::Previous => {
                let days = (to - from).num_days() + 1;
                Some((from - Duration::days(days), from - Duration::days(1)))
            }
            Self::LastYear => {
                Some((from.checked_sub_months(Months::new(12))?, to.checked_sub_months(Months::new(12))?))
            }
            Self::None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn presets_and_comparisons() {
        let today = d(2026, 3, 15);
        assert_eq!(Preset::LastMonth.period(today), Some((d(2026, 2, 1), d(2026, 2, 28))));
        assert_eq!(Preset::Last7.period(today), Some((d(2026, 3, 9), d(2026, 3, 15))));
        assert_eq!(Preset::ThisYear.period(today), Some((d(2026, 1, 1), today)));
        assert_eq!(Compare::Previous.period(d(2026, 3, 1), d(2026, 3, 10)), Some((d(2026, 2, 19), d(2026, 2, 28))));
        assert_eq!(Compare::LastYear.period(d(2024, 2, 29), d(2024, 2, 29)), Some((d(2023, 2, 28), d(2023, 2, 28))));
    }
}
