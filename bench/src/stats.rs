//! Percentiles and JSON helpers.

use serde_json::{Value, json};

/// Nearest-rank percentile (`q` in 0..=1) of unsorted samples.
pub fn percentile(samples: &[f64], q: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1]
}

pub fn median(samples: &[f64]) -> f64 {
    percentile(samples, 0.5)
}

/// `{n, p50, p95, p99, max}` rounded to 0.1 ms.
pub fn latency_json(ms: &[f64]) -> Value {
    let r = |x: f64| (x * 10.0).round() / 10.0;
    json!({
        "n": ms.len(),
        "p50": r(percentile(ms, 0.5)),
        "p95": r(percentile(ms, 0.95)),
        "p99": r(percentile(ms, 0.99)),
        "max": r(percentile(ms, 1.0)),
    })
}

/// Rounds to `digits` decimals, for readable JSON.
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let s: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&s, 0.5), 50.0);
        assert_eq!(percentile(&s, 0.99), 99.0);
        assert_eq!(percentile(&s, 1.0), 100.0);
        assert_eq!(percentile(&[3.0], 0.95), 3.0);
    }
}
