//! The wws demo: a calculator host and a proxy over loopback, with every
//! kind of cancellation, printed as a timeline.
//!
//! ```text
//! cargo run --release -p wws-examples --bin demo      (or: cargo xtask demo)
//! ```
//!
//! 1. The host opens on a free loopback port; a proxy (SOAP 1.2,
//!    WS-Addressing 1.0) opens on `/calculator12`.
//! 2. Concurrent calls: Add, Echo, a Divide by zero (a fault), ten Delays.
//! 3. One Delay is abandoned by its call id: the call ends at once with
//!    `Abandoned`, its connection is closed, and the host's operation is told
//!    `ChannelFaulted`. The other calls go on.
//! 4. With four long Delays still pending, the proxy is aborted: they end
//!    with `Aborted`, and the host sees each client go.
//! 5. The host closes gracefully with two calls of a second proxy in
//!    flight: the short one finishes within the close timeout and gets its
//!    reply; the long one is told `HostClosing` when the timeout runs out.
//!
//! Every line names its call by the id the proxy gave it; the host's lines
//! find the call by its request (each request of the demo is unique).
//!
//! Exits 0 when every step behaved as described, 1 otherwise (or after 9 s).

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use wws_core::{AddressingVersion, EnvelopeVersion, Error, Result};
use wws_examples::calculator::{self, Calculator, CalculatorClient, ServiceEvent};
use wws_examples::calculator::{
    Add, AddResponse, Delay, DelayResponse, Divide, Echo, EchoResponse,
};
use wws_host::CancelReason;
use wws_host::ServiceHostProperties;
use wws_proxy::{CallOptions, ServiceProxy};

/// Delays that finish on their own, in ms.
const SHORT: [i32; 5] = [100, 150, 200, 250, 300];
/// The Delay that is abandoned.
const ABANDONED: i32 = 3_000;
/// Delays still pending when the proxy is aborted (one each: 5000..5003 ms).
const LONG: i32 = 5_000;
/// The host's close timeout in step 5.
const CLOSE_TIMEOUT: Duration = Duration::from_millis(500);
/// Step 5: a Delay that finishes within the close timeout, one that does not.
const IN_TIME: i32 = 400;
const TOO_LONG: i32 = 8_000;

/// What a cancellation reason means, in plain words.
fn meaning(reason: CancelReason) -> &'static str {
    match reason {
        CancelReason::ChannelFaulted => "the client left, so the operation was cancelled",
        CancelReason::HostAborted => "the host was aborted",
        CancelReason::HostClosing => "the host's close timeout ran out",
    }
}

/// One line: offset from the start, side, text.
type Line = (Duration, &'static str, String);

/// Lines of the timeline, stamped with their offset from the start.
#[derive(Clone)]
struct Timeline {
    start: Instant,
    lines: Arc<Mutex<Vec<Line>>>,
    /// Which call id sent which request, to name the host's lines.
    calls: Arc<Mutex<Vec<(String, u64)>>>,
}

impl Timeline {
    /// Remembers that call `id` sends `request`.
    fn call(&self, id: u64, request: impl Into<String>) {
        if let Ok(mut c) = self.calls.lock() {
            c.push((request.into(), id));
        }
    }

    /// `call N` for the call that sent `request`.
    fn name(&self, request: &str) -> String {
        let id = self
            .calls
            .lock()
            .ok()
            .and_then(|c| c.iter().find(|(r, _)| r == request).map(|(_, id)| *id));
        match id {
            Some(id) => format!("call {id:<2} {request}"),
            None => request.to_owned(),
        }
    }

    fn at(&self, when: Instant, who: &'static str, what: impl Into<String>) {
        let offset = when.saturating_duration_since(self.start);
        if let Ok(mut l) = self.lines.lock() {
            l.push((offset, who, what.into()));
        }
    }

    fn now(&self, who: &'static str, what: impl Into<String>) {
        self.at(Instant::now(), who, what);
    }

    fn print(&self) {
        let mut lines = self.lines.lock().map(|l| l.clone()).unwrap_or_default();
        lines.sort_by_key(|(t, _, _)| *t);
        println!();
        println!("   time  side   event");
        println!("  -----  -----  ---------------------------------------------");
        for (t, who, what) in lines {
            println!("{:>5} ms  {who:<5}  {what}", t.as_millis());
        }
        println!();
    }
}

fn outcome<T: std::fmt::Debug>(r: &Result<T>) -> String {
    match r {
        Ok(v) => format!("= {v:?}"),
        Err(Error::FaultReceived(f)) => format!("fault: {f}"),
        Err(e) => format!("error: {e}"),
    }
}

/// The host's side as seen through the calculator's events.
struct HostView {
    rx: mpsc::UnboundedReceiver<ServiceEvent>,
    tl: Timeline,
    seen: Vec<ServiceEvent>,
}

impl HostView {
    /// Receives events until `done` holds for those seen so far.
    async fn until(
        &mut self,
        done: impl Fn(&[ServiceEvent]) -> bool,
    ) -> std::result::Result<(), String> {
        while !done(&self.seen) {
            let e = self.rx.recv().await.ok_or("host events ended")?;
            record_host(&self.tl, &e);
            self.seen.push(e);
        }
        Ok(())
    }

    /// Records what already arrived.
    fn drain(&mut self) {
        while let Ok(e) = self.rx.try_recv() {
            record_host(&self.tl, &e);
            self.seen.push(e);
        }
    }
}

fn started(seen: &[ServiceEvent], req: &str) -> usize {
    seen.iter()
        .filter(|e| matches!(e, ServiceEvent::Started { request, .. } if request == req))
        .count()
}

fn cancelled<'a>(
    seen: &'a [ServiceEvent],
    req: &'a str,
) -> impl Iterator<Item = CancelReason> + 'a {
    seen.iter().filter_map(move |e| match e {
        ServiceEvent::Cancelled {
            request, reason, ..
        } if request == req => Some(*reason),
        _ => None,
    })
}

fn record_host(tl: &Timeline, e: &ServiceEvent) {
    match e {
        ServiceEvent::Started { request, at, .. } => {
            tl.at(*at, "host", format!("{} started", tl.name(request)))
        }
        ServiceEvent::Completed { request, at, .. } => {
            tl.at(*at, "host", format!("{} completed", tl.name(request)))
        }
        ServiceEvent::Cancelled {
            request,
            reason,
            at,
            ..
        } => tl.at(
            *at,
            "host",
            format!("{} told {reason}: {}", tl.name(request), meaning(*reason)),
        ),
    }
}

async fn run(tl: Timeline) -> std::result::Result<(), String> {
    let (service, events) = Calculator::with_events();
    let mut props = ServiceHostProperties::default();
    props.close_timeout = CLOSE_TIMEOUT;
    let host = service
        .start(([127, 0, 0, 1], 0).into(), props)
        .await
        .map_err(|e| format!("host open: {e}"))?;
    let addr = host.local_addr().ok_or("host has no address")?;
    tl.now(
        "host",
        format!("open on {addr} (SOAP 1.1 /calculator, SOAP 1.2 /calculator12)"),
    );

    let url = calculator::url(addr, calculator::PATH_SOAP12);
    let proxy = ServiceProxy::new(
        &url,
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
    )
    .map_err(|e| format!("proxy: {e}"))?;
    proxy.open().await.map_err(|e| format!("proxy open: {e}"))?;
    tl.now(
        "proxy",
        format!("open: {url}, SOAP 1.2 + WS-Addressing 1.0"),
    );

    // Concurrent calls; each task records its own end.
    let mut quick = Vec::new();
    // Call ids chosen by us, small so the timeline reads well.
    let id = |n: u64| CallOptions::new().call_id(n);
    tl.call(1, "Add(2, 3)");
    tl.call(2, "Echo(5 bytes)");
    tl.call(3, "Divide(1, 0)");
    tl.now(
        "proxy",
        "call 1 Add(2, 3), call 2 Echo(\"hello\"), call 3 Divide(1, 0)",
    );
    let client = CalculatorClient::new(proxy.clone());
    let add = client.add_with(&Add { a: 2.0, b: 3.0 }, id(1));
    let hello = Echo {
        text: "hello".into(),
    };
    let echo = client.echo_with(&hello, id(2));
    let divide = client.divide_with(&Divide { a: 1.0, b: 0.0 }, id(3));
    let t = tl.clone();
    quick.push(tokio::spawn(async move {
        let r = add.await;
        let ok = matches!(r, Ok(AddResponse { result }) if result == 5.0);
        t.now("proxy", format!("call 1  Add(2, 3) {}", outcome(&r)));
        ok
    }));
    let t = tl.clone();
    quick.push(tokio::spawn(async move {
        let r = echo.await;
        let ok = matches!(&r, Ok(EchoResponse { text }) if text == "hello");
        t.now("proxy", format!("call 2  Echo(\"hello\") {}", outcome(&r)));
        ok
    }));
    let t = tl.clone();
    quick.push(tokio::spawn(async move {
        let r = divide.await;
        let ok = r
            .as_ref()
            .err()
            .and_then(Error::fault)
            .is_some_and(|f| f.reason_text() == "division by zero");
        t.now("proxy", format!("call 3  Divide(1, 0) {}", outcome(&r)));
        ok
    }));

    tl.now(
        "proxy",
        format!("calls 4-13: ten Delays; Delay({ABANDONED}) is call 9"),
    );
    let delay = |ms: i32, n: u64| {
        tl.call(n, format!("Delay({ms})"));
        client.delay_with(&Delay { milliseconds: ms }, id(n))
    };
    for (n, ms) in (4..).zip(SHORT) {
        let call = delay(ms, n);
        let t = tl.clone();
        quick.push(tokio::spawn(async move {
            let r = call.await;
            t.now("proxy", format!("call {n:<2} Delay({ms}) {}", outcome(&r)));
            matches!(r, Ok(DelayResponse { milliseconds }) if milliseconds == ms)
        }));
    }
    let doomed = delay(ABANDONED, 9);
    let doomed_id = doomed.id();
    let mut long = Vec::new();
    for (n, ms) in (10..14).zip(LONG..) {
        let call = delay(ms, n);
        let t = tl.clone();
        long.push(tokio::spawn(async move {
            let r = call.await;
            t.now("proxy", format!("call {n} Delay({ms}) {}", outcome(&r)));
            matches!(r, Err(Error::Aborted { .. }))
        }));
    }

    // Abandon the 3 s Delay once the host runs it.
    let mut view = HostView {
        rx: events,
        tl: tl.clone(),
        seen: Vec::new(),
    };
    let doomed_req = format!("Delay({ABANDONED})");
    view.until(|seen| started(seen, &doomed_req) == 1).await?;
    let t = tl.clone();
    let doomed_task = tokio::spawn(async move {
        let r = doomed.await;
        t.now(
            "proxy",
            format!("call 9  Delay({ABANDONED}) {}", outcome(&r)),
        );
        matches!(r, Err(Error::Abandoned { .. }))
    });
    tl.now(
        "proxy",
        format!("abandon_call({doomed_id}): only call {doomed_id} ends; its connection is closed"),
    );
    proxy
        .abandon_call(doomed_id)
        .map_err(|e| format!("abandon: {e}"))?;
    view.until(|seen| cancelled(seen, &doomed_req).count() == 1)
        .await?;
    let reasons: Vec<_> = cancelled(&view.seen, &doomed_req).collect();
    if reasons != [CancelReason::ChannelFaulted] {
        return Err(format!(
            "the abandoned Delay was told {reasons:?}, expected ChannelFaulted"
        ));
    }
    if !doomed_task.await.unwrap_or(false) {
        return Err("the abandoned call did not end with Abandoned".into());
    }

    // The other calls finish on their own.
    for task in quick {
        if !task.await.unwrap_or(false) {
            return Err("a call did not end as expected (see the timeline)".into());
        }
    }

    // Abort the proxy with the four long Delays pending (once the host runs them).
    let long_reqs: Vec<String> = (LONG..LONG + 4).map(|ms| format!("Delay({ms})")).collect();
    view.until(|seen| long_reqs.iter().all(|r| started(seen, r) == 1))
        .await?;
    tl.now(
        "proxy",
        format!("abort() with {} calls pending", proxy.pending_calls()),
    );
    proxy.abort();
    for task in long {
        if !task.await.unwrap_or(false) {
            return Err("a pending call did not end with Aborted".into());
        }
    }
    view.until(|seen| long_reqs.iter().all(|r| cancelled(seen, r).count() == 1))
        .await?;
    if long_reqs
        .iter()
        .any(|r| cancelled(&view.seen, r).any(|c| c != CancelReason::ChannelFaulted))
    {
        return Err("an aborted call's operation was not told ChannelFaulted".into());
    }

    // A graceful close with work in flight, from a second proxy.
    let second = ServiceProxy::new(
        &url,
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
    )
    .map_err(|e| format!("proxy: {e}"))?;
    second
        .open()
        .await
        .map_err(|e| format!("proxy open: {e}"))?;
    let second = CalculatorClient::new(second);
    let call = |ms: i32, n: u64| {
        tl.call(n, format!("Delay({ms})"));
        second.delay_with(&Delay { milliseconds: ms }, id(n))
    };
    let (in_time, too_long) = (call(IN_TIME, 14), call(TOO_LONG, 15));
    let (a, b) = (format!("Delay({IN_TIME})"), format!("Delay({TOO_LONG})"));
    view.until(|seen| started(seen, &a) == 1 && started(seen, &b) == 1)
        .await?;
    tl.now(
        "host",
        format!(
            "close() with calls 14 and 15 in flight: they may finish within {} ms",
            CLOSE_TIMEOUT.as_millis()
        ),
    );
    let (closed, r14, r15) = tokio::join!(
        host.close(),
        async {
            let r = in_time.await;
            tl.now("proxy", format!("call 14 Delay({IN_TIME}) {}", outcome(&r)));
            r
        },
        async {
            let r = too_long.await;
            tl.now(
                "proxy",
                format!("call 15 Delay({TOO_LONG}) {}", outcome(&r)),
            );
            r
        }
    );
    closed.map_err(|e| format!("host close: {e}"))?;
    view.drain();
    tl.now("host", format!("{}", host.state()));
    if !matches!(r14, Ok(DelayResponse { milliseconds }) if milliseconds == IN_TIME) {
        return Err("the call that fits the close timeout did not get its reply".into());
    }
    if r15.is_ok() || cancelled(&view.seen, &b).collect::<Vec<_>>() != [CancelReason::HostClosing] {
        return Err("the call beyond the close timeout was not told HostClosing".into());
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let tl = Timeline {
        start: Instant::now(),
        lines: Arc::new(Mutex::new(Vec::new())),
        calls: Arc::new(Mutex::new(Vec::new())),
    };
    let result = match tokio::time::timeout(Duration::from_secs(9), run(tl.clone())).await {
        Ok(r) => r,
        Err(_) => Err("the demo took longer than 9 s".to_owned()),
    };
    tl.print();
    match result {
        Ok(()) => {
            println!("demo ok in {} ms", tl.start.elapsed().as_millis());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("demo FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}
