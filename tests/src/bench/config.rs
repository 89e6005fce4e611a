//! Bench configuration from the environment.

use std::time::Duration;

/// How long a round runs and how many rounds are taken.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Duration of one throughput round (`WWS_BENCH_SECONDS`, default 10).
    pub round: Duration,
    /// Rounds per measurement; the median is reported (`WWS_BENCH_ROUNDS`, default 3).
    pub rounds: usize,
}

impl Config {
    /// Reads `WWS_BENCH_SECONDS` and `WWS_BENCH_ROUNDS`.
    pub fn from_env() -> Result<Config, String> {
        let seconds = match std::env::var("WWS_BENCH_SECONDS") {
            Ok(v) => v
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s >= 0.5 && *s <= 600.0)
                .ok_or_else(|| format!("WWS_BENCH_SECONDS={v:?}: want seconds in 0.5..=600"))?,
            Err(_) => 10.0,
        };
        let rounds = match std::env::var("WWS_BENCH_ROUNDS") {
            Ok(v) => v
                .parse::<usize>()
                .ok()
                .filter(|r| (1..=99).contains(r))
                .ok_or_else(|| format!("WWS_BENCH_ROUNDS={v:?}: want 1..=99"))?,
            Err(_) => 3,
        };
        Ok(Config {
            round: Duration::from_secs_f64(seconds),
            rounds,
        })
    }

    /// One line describing the configuration, for the bench's output.
    pub fn describe(&self) -> String {
        format!(
            "{} rounds of {:.1} s each, interleaved; medians reported (WWS_BENCH_ROUNDS, WWS_BENCH_SECONDS)",
            self.rounds,
            self.round.as_secs_f64()
        )
    }
}
