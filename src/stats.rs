//! Small statistics: means and Student-t 95 % confidence intervals over replications.

/// Two-sided 97.5 % quantiles of Student's t for 1..=30 degrees of freedom.
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The 97.5 % quantile of Student's t with `df` degrees of freedom (df ≥ 1).
pub fn t975(df: usize) -> f64 {
    match df {
        0 => f64::INFINITY,
        1..=30 => T975[df - 1],
        // Beyond 30 the table's tail: 1.96 + 2.4/df is within 0.002 of the exact value.
        _ => 1.96 + 2.4 / df as f64,
    }
}

/// Mean of the samples.
pub fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

/// Sample standard deviation (n − 1).
pub fn sd(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = mean(xs);
    (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
}

/// The Student-t 95 % interval of the mean: `[lo, hi]`.
pub fn ci95(xs: &[f64]) -> [f64; 2] {
    let m = mean(xs);
    if xs.len() < 2 {
        return [m, m];
    }
    let h = t975(xs.len() - 1) * sd(xs) / (xs.len() as f64).sqrt();
    [m - h, m + h]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_of_known_samples() {
        // mean 2, sd 1, n 3: half-width 4.303 / sqrt(3) = 2.4844
        let [lo, hi] = ci95(&[1.0, 2.0, 3.0]);
        assert!((lo - (2.0 - 2.4844)).abs() < 1e-3 && (hi - (2.0 + 2.4844)).abs() < 1e-3);
        assert!((t975(60) - 2.000).abs() < 0.002);
    }
}
