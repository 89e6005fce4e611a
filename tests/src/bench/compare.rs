//! Two clients compared in the same run: slices of each alternate (which
//! goes first alternates too), so a burst of other load hits both alike;
//! per round, calls/s and the CPU the client (this process) and the server
//! spent per call; medians, and the medians of per-round ratios.

use std::future::Future;
use std::time::Duration;

use super::client::{Rate, Tally};
use super::table::thousands;
use super::{Config, Table, limits, median, process};

/// Runs `config.rounds` rounds of `config.round`, in `slice`s alternating
/// between `a` and `b` (each makes one slice's calls and says how they
/// went); CPU from this process and `server_pid`. `spans` name the two
/// sides for `perf_control`. Returns each side's tallies, a round each.
pub async fn alternate<A, FA, B, FB>(
    config: &Config,
    slice: Duration,
    server_pid: u32,
    spans: [&str; 2],
    mut a: A,
    mut b: B,
) -> Result<(Vec<Tally>, Vec<Tally>), String>
where
    A: FnMut() -> FA,
    FA: Future<Output = Result<Rate, String>>,
    B: FnMut() -> FB,
    FB: Future<Output = Result<Rate, String>>,
{
    let me = std::process::id();
    let slices = (config.round.as_secs_f64() / slice.as_secs_f64())
        .round()
        .max(1.0) as usize;
    let (mut a_rounds, mut b_rounds) = (Vec::new(), Vec::new());
    for round in 0..config.rounds {
        eprintln!(
            "round {}/{}: {slices} slices of {slice:?} each",
            round + 1,
            config.rounds
        );
        let (mut ta, mut tb) = (Tally::default(), Tally::default());
        for s in 0..slices {
            let order = if (s + round) % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            };
            for a_turn in order {
                let span = spans[usize::from(!a_turn)];
                let cpu = (process::cpu_seconds(me)?, process::cpu_seconds(server_pid)?);
                limits::perf_control(span, "enable");
                let rate = if a_turn { a().await? } else { b().await? };
                limits::perf_control(span, "disable");
                let client_cpu = process::cpu_seconds(me)? - cpu.0;
                let server_cpu = process::cpu_seconds(server_pid)? - cpu.1;
                let t = if a_turn { &mut ta } else { &mut tb };
                t.add(&rate, client_cpu, server_cpu);
            }
        }
        eprintln!(
            "  {} {:.0} calls/s ({:.1} µs client CPU per call, {} errors); {} {:.0} calls/s ({:.1} µs, {} errors)",
            spans[0],
            ta.rate(),
            ta.client_us(),
            ta.errors,
            spans[1],
            tb.rate(),
            tb.client_us(),
            tb.errors
        );
        a_rounds.push(ta);
        b_rounds.push(tb);
    }
    Ok((a_rounds, b_rounds))
}

/// The median of per-round ratios `a / b`, as `0.00×`.
pub fn paired(a: &[f64], b: &[f64]) -> String {
    let r: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
    format!("{:.2}×", median(&r))
}

/// The table of a client `a` (labelled `a_label`, with its `target`) against
/// the floor client `b`: calls/s, CPU per call on both sides, errors and
/// the ratios to the floor.
pub fn client_table(a_label: &str, a: &[Tally], target: &str, b_label: &str, b: &[Tally]) -> Table {
    let rates = |t: &[Tally]| t.iter().map(Tally::rate).collect::<Vec<_>>();
    let client = |t: &[Tally]| t.iter().map(Tally::client_us).collect::<Vec<_>>();
    let server = |t: &[Tally]| t.iter().map(Tally::server_us).collect::<Vec<_>>();
    let errors = |t: &[Tally]| t.iter().map(|r| r.errors).sum::<u64>();
    let list = |v: &[f64]| {
        v.iter()
            .map(|x| thousands(*x))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let us = |x: f64| format!("{x:.1}");
    let mut t = Table::new(&[
        "client",
        ">median calls/s",
        "rounds (calls/s)",
        ">client CPU µs/call",
        ">server CPU µs/call",
        ">errors",
        ">vs floor (calls/s)",
        ">vs floor (client CPU)",
        "target",
    ]);
    t.row(&[
        a_label.to_owned(),
        thousands(median(&rates(a))),
        list(&rates(a)),
        us(median(&client(a))),
        us(median(&server(a))),
        errors(a).to_string(),
        if errors(a) == 0 && errors(b) == 0 {
            paired(&rates(a), &rates(b))
        } else {
            "errors: n/a".into()
        },
        paired(&client(a), &client(b)),
        target.to_owned(),
    ]);
    t.row(&[
        b_label.to_owned(),
        thousands(median(&rates(b))),
        list(&rates(b)),
        us(median(&client(b))),
        us(median(&server(b))),
        errors(b).to_string(),
        "1.00×".to_owned(),
        "1.00×".to_owned(),
        String::new(),
    ]);
    t
}
