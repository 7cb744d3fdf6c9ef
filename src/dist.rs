//! Named probability distributions of durations, as scenario files write them.
//!
//! `{"constant": x}` (or a bare number), `{"exponential": {"mean": m}}`,
//! `{"lognormal": {"mean": m, "sd": s}}`, `{"gamma": {"shape": k, "scale": s}}`,
//! `{"weibull": {"shape": k, "scale": λ}}`, `{"uniform": {"min": a, "max": b}}`,
//! `{"empirical": {"values": [...]}}`; all in seconds.
//! [`Dist::check`] validates parameters once, at load time, so sampling never fails.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Weibull};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A distribution of a non-negative duration in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Dist {
    /// A bare number: always that value.
    Bare(f64),
    /// One of the named distributions.
    Named(NamedDist),
}

/// The named distributions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum NamedDist {
    /// Always `x`.
    Constant(f64),
    /// Exponential with the given mean.
    Exponential {
        /// Mean, seconds.
        mean: f64,
    },
    /// Log-normal with the given mean and standard deviation (of the value, not its log).
    Lognormal {
        /// Mean, seconds.
        mean: f64,
        /// Standard deviation, seconds.
        sd: f64,
    },
    /// Gamma with shape `k` and scale `s` (mean `k·s`).
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale s, seconds.
        scale: f64,
    },
    /// Weibull with shape `k` and scale `λ` (survival `exp(−(x/λ)^k)`), as `dialsim fit`
    /// may choose.
    Weibull {
        /// Shape k.
        shape: f64,
        /// Scale λ, seconds.
        scale: f64,
    },
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower end, seconds.
        min: f64,
        /// Upper end, seconds.
        max: f64,
    },
    /// One of the values, equally likely.
    Empirical {
        /// The observed values, seconds.
        values: Vec<f64>,
    },
}

/// Why a distribution's parameters cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DistError {
    /// A constant that is negative or not finite.
    #[error("constant {0} must be a finite number >= 0")]
    Constant(f64),
    /// An exponential mean that is not positive.
    #[error("exponential mean {0} must be > 0")]
    Exponential(f64),
    /// A lognormal's mean or sd out of range.
    #[error("lognormal needs mean > 0 and sd >= 0 (got mean {mean}, sd {sd})")]
    Lognormal {
        /// The mean given.
        mean: f64,
        /// The standard deviation given.
        sd: f64,
    },
    /// A gamma's shape or scale out of range.
    #[error("gamma needs shape > 0 and scale > 0 (got {shape}, {scale})")]
    Gamma {
        /// The shape given.
        shape: f64,
        /// The scale given.
        scale: f64,
    },
    /// A Weibull's shape or scale out of range.
    #[error("weibull needs shape > 0 and scale > 0 (got {shape}, {scale})")]
    Weibull {
        /// The shape given.
        shape: f64,
        /// The scale given.
        scale: f64,
    },
    /// A uniform's bounds out of order or range.
    #[error("uniform needs 0 <= min <= max (got {min}, {max})")]
    Uniform {
        /// The lower bound given.
        min: f64,
        /// The upper bound given.
        max: f64,
    },
    /// An empirical distribution with no values, or a bad one.
    #[error("empirical needs at least one value, all finite and >= 0")]
    Empirical,
}

impl Dist {
    /// A constant.
    pub fn constant(x: f64) -> Dist {
        Dist::Bare(x)
    }

    /// Exponential with mean `m`.
    pub fn exponential(mean: f64) -> Dist {
        Dist::Named(NamedDist::Exponential { mean })
    }

    /// Check the parameters; the error says which rule is broken.
    pub fn check(&self) -> Result<(), DistError> {
        let finite_nonneg = |x: f64| x.is_finite() && x >= 0.0;
        match self {
            Dist::Bare(x) | Dist::Named(NamedDist::Constant(x)) if !finite_nonneg(*x) => {
                Err(DistError::Constant(*x))
            }
            Dist::Named(NamedDist::Exponential { mean }) if !(mean.is_finite() && *mean > 0.0) => {
                Err(DistError::Exponential(*mean))
            }
            Dist::Named(NamedDist::Lognormal { mean, sd })
                if !(mean.is_finite() && *mean > 0.0 && sd.is_finite() && *sd >= 0.0) =>
            {
                Err(DistError::Lognormal {
                    mean: *mean,
                    sd: *sd,
                })
            }
            Dist::Named(NamedDist::Gamma { shape, scale })
                if !(shape.is_finite() && *shape > 0.0 && scale.is_finite() && *scale > 0.0) =>
            {
                Err(DistError::Gamma {
                    shape: *shape,
                    scale: *scale,
                })
            }
            Dist::Named(NamedDist::Weibull { shape, scale })
                if !(shape.is_finite() && *shape > 0.0 && scale.is_finite() && *scale > 0.0) =>
            {
                Err(DistError::Weibull {
                    shape: *shape,
                    scale: *scale,
                })
            }
            Dist::Named(NamedDist::Uniform { min, max })
                if !(finite_nonneg(*min) && max.is_finite() && min <= max) =>
            {
                Err(DistError::Uniform {
                    min: *min,
                    max: *max,
                })
            }
            Dist::Named(NamedDist::Empirical { values })
                if values.is_empty() || !values.iter().all(|v| finite_nonneg(*v)) =>
            {
                Err(DistError::Empirical)
            }
            _ => Ok(()),
        }
    }

    /// The largest value it can take, seconds, when it is bounded.
    pub fn upper_bound(&self) -> Option<f64> {
        match self {
            Dist::Bare(x) | Dist::Named(NamedDist::Constant(x)) => Some(*x),
            Dist::Named(NamedDist::Uniform { max, .. }) => Some(*max),
            Dist::Named(NamedDist::Empirical { values }) => values.iter().copied().reduce(f64::max),
            _ => None,
        }
    }

    /// The mean, seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Bare(x) | Dist::Named(NamedDist::Constant(x)) => *x,
            Dist::Named(NamedDist::Exponential { mean } | NamedDist::Lognormal { mean, .. }) => {
                *mean
            }
            Dist::Named(NamedDist::Gamma { shape, scale }) => shape * scale,
            Dist::Named(NamedDist::Weibull { shape, scale }) => {
                scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape)
            }
            Dist::Named(NamedDist::Uniform { min, max }) => (min + max) / 2.0,
            Dist::Named(NamedDist::Empirical { values }) => {
                values.iter().sum::<f64>() / values.len().max(1) as f64
            }
        }
    }

    /// Draw one value (seconds, >= 0). Parameters must have passed [`Dist::check`]; should
    /// they not, the mean-free fallback is 0 rather than a panic.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match self {
            Dist::Bare(x) | Dist::Named(NamedDist::Constant(x)) => *x,
            Dist::Named(NamedDist::Exponential { mean }) => {
                Exp::new(1.0 / mean).map(|d| d.sample(rng)).unwrap_or(0.0)
            }
            Dist::Named(NamedDist::Lognormal { mean, sd }) => {
                if *sd == 0.0 {
                    *mean
                } else {
                    // mean = exp(mu + s²/2), var = (exp(s²) − 1)·mean²
                    let s2 = (1.0 + (sd / mean).powi(2)).ln();
                    let mu = mean.ln() - s2 / 2.0;
                    LogNormal::new(mu, s2.sqrt())
                        .map(|d| d.sample(rng))
                        .unwrap_or(0.0)
                }
            }
            Dist::Named(NamedDist::Gamma { shape, scale }) => Gamma::new(*shape, *scale)
                .map(|d| d.sample(rng))
                .unwrap_or(0.0),
            Dist::Named(NamedDist::Weibull { shape, scale }) => Weibull::new(*scale, *shape)
                .map(|d| d.sample(rng))
                .unwrap_or(0.0),
            Dist::Named(NamedDist::Uniform { min, max }) => {
                if min == max {
                    *min
                } else {
                    rng.random_range(*min..*max)
                }
            }
            Dist::Named(NamedDist::Empirical { values }) => {
                values[rng.random_range(0..values.len())]
            }
        };
        x.max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    #[test]
    fn parses_every_form() {
        for (text, mean) in [
            ("5", 5.0),
            (r#"{"constant": 4}"#, 4.0),
            (r#"{"exponential": {"mean": 60}}"#, 60.0),
            (r#"{"lognormal": {"mean": 180, "sd": 90}}"#, 180.0),
            (r#"{"gamma": {"shape": 2, "scale": 3}}"#, 6.0),
            (r#"{"weibull": {"shape": 1, "scale": 7}}"#, 7.0),
            (r#"{"uniform": {"min": 1, "max": 3}}"#, 2.0),
            (r#"{"empirical": {"values": [1, 2, 6]}}"#, 3.0),
        ] {
            let d: Dist = serde_json::from_str(text).expect(text);
            assert!(d.check().is_ok(), "{text}");
            assert_eq!(d.mean(), mean, "{text}");
        }
    }

    #[test]
    fn bad_parameters_are_named() {
        let d: Dist = serde_json::from_str(r#"{"exponential": {"mean": -1}}"#).expect("shape ok");
        assert!(d.check().unwrap_err().to_string().contains("mean -1"));
    }

    #[test]
    fn lognormal_sample_mean_matches() {
        // 200k draws of lognormal(mean 180, sd 90): standard error 90/sqrt(2e5) = 0.2 s;
        // 5 standard errors is 1 s.
        let d = Dist::Named(NamedDist::Lognormal {
            mean: 180.0,
            sd: 90.0,
        });
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 200_000;
        let m = (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64;
        assert!((m - 180.0).abs() < 1.0, "mean {m}");
    }

    /// Mean and variance of 200 000 draws against the distribution's own; the tolerance is 5
    /// standard errors of each (the variance's from the fourth moment `m4`).
    fn moments_match(d: &Dist, mean: f64, var: f64, m4: f64) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        let se_mean = (var / n as f64).sqrt();
        let se_var = ((m4 - var * var) / n as f64).sqrt();
        assert!(
            (m - mean).abs() < 5.0 * se_mean,
            "{d:?}: mean {m} vs {mean}"
        );
        assert!(
            (v - var).abs() < 5.0 * se_var,
            "{d:?}: variance {v} vs {var}"
        );
        assert!(xs.iter().all(|&x| x >= 0.0), "{d:?}: a negative duration");
    }

    #[test]
    fn gamma_uniform_and_empirical_samples_have_their_moments() {
        // Gamma(k = 2, θ = 30): mean kθ = 60, variance kθ² = 1800, fourth central moment
        // 3k(k + 2)θ⁴ = 24·810 000 = 19 440 000.
        moments_match(
            &Dist::Named(NamedDist::Gamma {
                shape: 2.0,
                scale: 30.0,
            }),
            60.0,
            1800.0,
            3.0 * 2.0 * 4.0 * 30f64.powi(4),
        );
        // Weibull(k = 2, λ = 10): mean λΓ(1.5) = 5√π, variance λ²(Γ(2) − Γ(1.5)²) =
        // 100(1 − π/4); fourth central moment λ⁴(Γ(3) − 4Γ(2.5)Γ(1.5) + 6Γ(2)Γ(1.5)² −
        // 3Γ(1.5)⁴) with Γ(1.5) = √π/2, Γ(2.5) = 3√π/4.
        let pi = std::f64::consts::PI;
        let g15 = pi.sqrt() / 2.0;
        let g25 = 3.0 * pi.sqrt() / 4.0;
        moments_match(
            &Dist::Named(NamedDist::Weibull {
                shape: 2.0,
                scale: 10.0,
            }),
            10.0 * g15,
            100.0 * (1.0 - pi / 4.0),
            1e4 * (2.0 - 4.0 * g25 * g15 + 6.0 * g15 * g15 - 3.0 * g15.powi(4)),
        );
        // Uniform(10, 70): mean 40, variance 60²/12 = 300, fourth central moment 60⁴/80.
        moments_match(
            &Dist::Named(NamedDist::Uniform {
                min: 10.0,
                max: 70.0,
            }),
            40.0,
            300.0,
            60f64.powi(4) / 80.0,
        );
        // Empirical {10, 20, 60}: each a third; mean 30, variance (400 + 100 + 900)/3,
        // fourth central moment (160 000 + 10 000 + 810 000)/3.
        moments_match(
            &Dist::Named(NamedDist::Empirical {
                values: vec![10.0, 20.0, 60.0],
            }),
            30.0,
            1400.0 / 3.0,
            980_000.0 / 3.0,
        );
    }
}
