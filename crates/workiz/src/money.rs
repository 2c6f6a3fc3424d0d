use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// An amount of money in integer cents. Workiz sends amounts as JSON numbers or strings with up to
/// two decimals; they are parsed as exact decimals, never through binary floating point arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cents(pub i64);

impl Cents {
    /// Parses a decimal amount such as `171.36`, `-99`, `"1,234.50"` or `"$50"`. More than two
    /// decimals are rounded half away from zero.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        // The common case, a plain decimal, needs no cleaning copy.
        if !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
            && let Ok(decimal) = Decimal::from_str(text)
        {
            return Self::from_decimal(decimal);
        }
        let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '$' && !c.is_whitespace()).collect();
        if cleaned.is_empty() {
            return None;
        }
        let decimal = Decimal::from_str(&cleaned).or_else(|_| Decimal::from_scientific(&cleaned)).ok()?;
        Self::from_decimal(decimal)
    }

    pub fn from_decimal(value: Decimal) -> Option<Self> {
        let cents =
            value.checked_mul(Decimal::ONE_HUNDRED)?.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        i64::try_from(cents).ok().map(Cents)
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }
}

impl fmt::Display for Cents {
    /// Dollars with exactly two decimals: `1234.50`, `-12.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shapes_workiz_sends() {
        assert_eq!(Cents::parse("171.36"), Some(Cents(17136)));
        assert_eq!(Cents::parse("-99"), Some(Cents(-9900)));
        assert_eq!(Cents::parse("0"), Some(Cents(0)));
        assert_eq!(Cents::parse("1,234.5"), Some(Cents(123450)));
        assert_eq!(Cents::parse("$50"), Some(Cents(5000)));
        assert_eq!(Cents::parse("100.005"), Some(Cents(10001)));
        assert_eq!(Cents::parse("-100.005"), Some(Cents(-10001)));
        assert_eq!(Cents::parse("1e2"), Some(Cents(10000)));
        assert_eq!(Cents::parse(""), None);
        assert_eq!(Cents::parse("abc"), None);
    }

    #[test]
    fn displays_two_decimals() {
        assert_eq!(Cents(123450).to_string(), "1234.50");
        assert_eq!(Cents(-1200).to_string(), "-12.00");
        assert_eq!(Cents(-5).to_string(), "-0.05");
        assert_eq!(Cents(0).to_string(), "0.00");
    }
}
