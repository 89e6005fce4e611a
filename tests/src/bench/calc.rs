//! The calculator service the host benches serve, and a Delay variant that
//! reports on stdout when each operation starts and when it is told it was
//! cancelled.

use std::io::Write;
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wws_core::Fault;
use wws_examples::calculator::{
    self, ADD_ACTION, Add, Calculator, DELAY_ACTION, DIVIDE_ACTION, Delay, DelayResponse, Divide,
    ECHO_ACTION, Echo,
};
use wws_host::{Contract, OperationContext};

/// The reference calculator contract (`Add`, `Divide` faulting on 0, `Echo`, `Delay`).
pub fn calculator() -> Contract {
    Calculator::new().contract()
}

/// Add, Divide and Echo of the calculator, without Delay.
fn without_delay() -> Contract {
    Contract::new()
        .operation(ADD_ACTION, |_ctx: OperationContext, r: Add| async move {
            Ok::<_, Fault>(calculator::add(&r))
        })
        .operation(
            DIVIDE_ACTION,
            |_ctx: OperationContext, r: Divide| async move { calculator::divide(&r) },
        )
        .operation(ECHO_ACTION, |_ctx: OperationContext, r: Echo| async move {
            Ok::<_, Fault>(calculator::echo(r))
        })
}

/// The calculator whose `Delay` prints `started <ms>` when it starts and
/// `cancelled <ms> <reason> <unix-ns>` from its `on_cancel` hook, so that a
/// bench in another process can tell when the server learnt of a cancel.
/// The benches make `<ms>` unique per call, which names the call.
pub fn reporting_calculator() -> Contract {
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        while let Ok(line) = rx.recv() {
            // Lock per batch only: `listening on` is printed through the same stdout.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = writeln!(out, "{line}");
            // Whatever is queued goes in the same write: batches under load, prompt when idle.
            for line in rx.try_iter() {
                let _ = writeln!(out, "{line}");
            }
            let _ = out.flush();
        }
    });
    without_delay().operation(DELAY_ACTION, move |ctx: OperationContext, r: Delay| {
        let tx = tx.clone();
        async move {
            let tag = r.milliseconds;
            let _ = tx.send(format!("started {tag}"));
            let hook = tx.clone();
            let _ = ctx.on_cancel(move |reason| {
                let at = unix_nanos();
                let _ = hook.send(format!("cancelled {tag} {reason} {at}"));
            });
            let wait = Duration::from_millis(u64::try_from(tag).unwrap_or(0));
            tokio::time::sleep(wait).await;
            Ok::<_, Fault>(DelayResponse { milliseconds: tag })
        }
    })
}

/// Nanoseconds since the Unix epoch (CLOCK_REALTIME: comparable across processes on one machine).
pub fn unix_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// The SOAP 1.1 envelope (no WS-Addressing) of `body` for `action`, as the
/// benches' bare clients POST it.
pub fn soap11<T: wws_core::BodyElement>(action: &str, body: &T) -> bytes::Bytes {
    wws_core::Message::from_body(
        wws_core::EnvelopeVersion::Soap11,
        wws_core::AddressingVersion::Transport,
        action,
        body,
    )
    .expect("from_body")
    .to_bytes()
    .expect("to_bytes")
}
