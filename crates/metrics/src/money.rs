//! Exact decimal helpers. Arithmetic saturates instead of panicking: no realistic account comes near
//! the limits, but the library must not panic on any input.

use rust_decimal::{Decimal, RoundingStrategy};

/// Cents summed in a wide integer, as a decimal amount.
pub(crate) fn from_cents(cents: i128) -> Decimal {
    Decimal::try_from_i128_with_scale(cents, 2).unwrap_or(if cents < 0 { Decimal::MIN } else { Decimal::MAX })
}

/// `numerator / denominator`, or `None` when the denominator is 0.
pub(crate) fn per(numerator: Decimal, denominator: u64) -> Option<Decimal> {
    if denominator == 0 { None } else { numerator.checked_div(Decimal::from(denominator)) }
}

/// `count / denominator`, or `None` when the denominator is 0.
pub(crate) fn ratio(count: u64, denominator: u64) -> Option<Decimal> {
    per(Decimal::from(count), denominator)
}

fn round(value: Decimal, places: u32) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    // -0.001 rounds to a negative zero, which would print as "-0.00".
    if rounded.is_zero() {
        rounded = Decimal::ZERO;
    }
    rounded.rescale(places);
    rounded
}

/// Money as shown: two decimals, half away from zero ("1234.50", "-12.00").
pub(crate) fn format_money(value: Decimal) -> String {
    round(value, 2).to_string()
}

/// A ratio rounded to 4 decimals, as a fixed-point string ("0.4722", "1.0000").
pub(crate) fn format_ratio(value: Decimal) -> String {
    round(value, 4).to_string()
}

/// A ratio rounded to 4 decimals as a JSON-ready float. Only the shown value becomes binary: the
/// shortest float that prints back as the 4-decimal value.
pub(crate) fn ratio_as_f64(value: Decimal) -> f64 {
    format_ratio(value).parse().unwrap_or(0.0)
}

/// A ratio as a percentage with two decimals ("47.22%"), equal to the 4-decimal ratio × 100.
pub(crate) fn format_percent(value: Decimal) -> String {
    let percent = value.saturating_mul(Decimal::ONE_HUNDRED);
    format!("{}%", round(percent, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().expect("decimal literal")
    }

    #[test]
    fn money_rounds_half_away_from_zero() {
        assert_eq!(format_money(d("0.005")), "0.01");
        assert_eq!(format_money(d("0.015")), "0.02");
        assert_eq!(format_money(d("0.025")), "0.03");
        assert_eq!(format_money(d("-0.005")), "-0.01");
        assert_eq!(format_money(d("0.0049999")), "0.00");
        assert_eq!(format_money(d("-0.001")), "0.00");
        assert_eq!(format_money(d("1234.5")), "1234.50");
        assert_eq!(format_money(d("-12")), "-12.00");
        assert_eq!(format_money(d("33.333333333333333333333333333")), "33.33");
    }

    #[test]
    fn ratios_round_to_four_places() {
        assert_eq!(format_ratio(d("0.47222222")), "0.4722");
        assert_eq!(format_ratio(d("0.66665")), "0.6667");
        assert_eq!(format_ratio(d("1")), "1.0000");
        assert_eq!(ratio_as_f64(d("0.47222222")), 0.4722);
        assert_eq!(ratio_as_f64(d("0.5")), 0.5);
        assert_eq!(format_percent(d("0.47222222")), "47.22%");
        assert_eq!(format_percent(d("0.000049")), "0.00%");
        assert_eq!(format_percent(d("1.5")), "150.00%");
    }

    #[test]
    fn zero_denominators_are_none() {
        assert_eq!(ratio(3, 0), None);
        assert_eq!(per(d("10"), 0), None);
        assert_eq!(ratio(1, 4), Some(d("0.25")));
        assert_eq!(per(d("10"), 4), Some(d("2.5")));
    }

    #[test]
    fn cents_convert_exactly_and_saturate() {
        assert_eq!(from_cents(5), d("0.05"));
        assert_eq!(from_cents(-1200), d("-12.00"));
        assert_eq!(from_cents(i128::MAX), Decimal::MAX);
        assert_eq!(from_cents(i128::MIN), Decimal::MIN);
    }
}
