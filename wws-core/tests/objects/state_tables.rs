//! Every state × every event of the four machines, against tables written
//! out here by hand from DESIGN.md §2 (not derived from the code).

use std::sync::{Arc, Barrier};

use wws_core::Error;
use wws_core::error::hresult::WS_E_INVALID_OPERATION;
use wws_core::state::{
    ChannelEvent, ChannelState, ListenerEvent, ListenerState, ServiceHostEvent, ServiceHostState,
    ServiceProxyEvent, ServiceProxyState, StateCell, StateMachine,
};

/// Expected outcome of one (state, event) pair: a new state, or InvalidOperation (`X`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Want<S> {
    To(S),
    X,
}

/// Checks one machine against its table: rows are events, columns follow `states`.
fn check<S: StateMachine, const N: usize>(
    object: &str,
    states: [S; N],
    all_states: &[S],
    all_events: &[S::Event],
    table: &[(S::Event, [Want<S>; N])],
) {
    // The table must cover every state and every event exactly once.
    assert_eq!(states.len(), all_states.len(), "{object}: table columns");
    for s in all_states {
        assert!(states.contains(s), "{object}: state {s} missing from table");
    }
    assert_eq!(table.len(), all_events.len(), "{object}: table rows");
    for e in all_events {
        assert_eq!(
            table.iter().filter(|(ev, _)| ev == e).count(),
            1,
            "{object}: event {e:?} must appear once in the table"
        );
    }

    let mut checked = 0;
    for (event, row) in table {
        for (state, want) in states.iter().zip(row.iter()) {
            let got = state.on(*event);
            match (want, got) {
                (Want::To(expected), Ok(actual)) => assert_eq!(
                    actual, *expected,
                    "{object}: {state} + {event:?} should give {expected}, gave {actual}"
                ),
                (Want::X, Err(err)) => {
                    assert_eq!(err.hresult(), WS_E_INVALID_OPERATION, "{object}: {err}");
                    match err {
                        Error::InvalidOperation {
                            object: o,
                            state: st,
                            operation,
                        } => {
                            assert_eq!(o, object, "object named in the error");
                            assert_eq!(st, format!("{state:?}"), "state named in the error");
                            assert_eq!(operation, S::operation(*event));
                        }
                        other => panic!("{object}: {state} + {event:?}: wrong error {other:?}"),
                    }
                }
                (Want::To(expected), Err(err)) => {
                    panic!("{object}: {state} + {event:?} should give {expected}, failed: {err}")
                }
                (Want::X, Ok(actual)) => {
                    panic!("{object}: {state} + {event:?} should be invalid, gave {actual}")
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, all_states.len() * all_events.len());
}

#[test]
fn channel_table() {
    use ChannelEvent as E;
    use ChannelState::*;
    use Want::{To, X};
    #[rustfmt::skip]
    let table = [
        //                      Created       Opening       Open          Faulted       Closing       Closed
        (E::OpenStarted,     [To(Opening),  X,            X,            X,            X,            X          ]),
        (E::OpenSucceeded,   [X,            To(Open),     X,            X,            X,            X          ]),
        (E::OpenFailed,      [X,            To(Faulted),  X,            X,            X,            X          ]),
        (E::CloseStarted,    [To(Closed),   X,            To(Closing),  To(Closing),  X,            To(Closed) ]),
        (E::CloseFinished,   [X,            X,            X,            X,            To(Closed),   X          ]),
        (E::Abort,           [To(Created),  To(Created),  To(Faulted),  To(Faulted),  To(Closed),   To(Closed) ]),
        (E::Reset,           [To(Created),  X,            X,            X,            X,            To(Created)]),
        (E::Fault,           [To(Created),  To(Opening),  To(Faulted),  To(Faulted),  To(Closing),  To(Closed) ]),
    ];
    check(
        "Channel",
        [Created, Opening, Open, Faulted, Closing, Closed],
        ChannelState::ALL,
        ChannelEvent::ALL,
        &table,
    );
}

#[test]
fn listener_table() {
    use ListenerEvent as E;
    use ListenerState::*;
    use Want::{To, X};
    #[rustfmt::skip]
    let table = [
        //                    Created       Opening       Open          Faulted       Closing       Closed
        (E::OpenStarted,   [To(Opening),  X,            X,            X,            X,            X          ]),
        (E::OpenSucceeded, [X,            To(Open),     X,            X,            X,            X          ]),
        (E::OpenFailed,    [X,            To(Faulted),  X,            X,            X,            X          ]),
        (E::CloseStarted,  [To(Closed),   X,            To(Closing),  To(Closing),  X,            To(Closed) ]),
        (E::CloseFinished, [X,            X,            X,            X,            To(Closed),   X          ]),
        (E::Abort,         [To(Created),  To(Created),  To(Faulted),  To(Faulted),  To(Closed),   To(Closed) ]),
        (E::Reset,         [To(Created),  X,            X,            X,            X,            To(Created)]),
    ];
    check(
        "Listener",
        [Created, Opening, Open, Faulted, Closing, Closed],
        ListenerState::ALL,
        ListenerEvent::ALL,
        &table,
    );
}

#[test]
fn service_proxy_table() {
    use ServiceProxyEvent as E;
    use ServiceProxyState::*;
    use Want::{To, X};
    #[rustfmt::skip]
    let table = [
        //                    Created       Opening       Open          Closing       Closed        Faulted
        (E::OpenStarted,   [To(Opening),  X,            X,            X,            X,            X          ]),
        (E::OpenSucceeded, [X,            To(Open),     X,            X,            X,            X          ]),
        (E::OpenFailed,    [X,            To(Faulted),  X,            X,            X,            X          ]),
        (E::CloseStarted,  [To(Closed),   X,            To(Closing),  X,            To(Closed),   To(Closing)]),
        (E::CloseFinished, [X,            X,            X,            To(Closed),   X,            X          ]),
        (E::Abort,         [To(Created),  To(Created),  To(Faulted),  To(Closed),   To(Closed),   To(Faulted)]),
        (E::Reset,         [To(Created),  X,            X,            X,            To(Created),  X          ]),
    ];
    check(
        "ServiceProxy",
        [Created, Opening, Open, Closing, Closed, Faulted],
        ServiceProxyState::ALL,
        ServiceProxyEvent::ALL,
        &table,
    );
}

#[test]
fn service_host_table() {
    use ServiceHostEvent as E;
    use ServiceHostState::*;
    use Want::{To, X};
    #[rustfmt::skip]
    let table = [
        //                    Created       Opening       Open          Closing       Closed        Faulted
        (E::OpenStarted,   [To(Opening),  X,            X,            X,            X,            X          ]),
        (E::OpenSucceeded, [X,            To(Open),     X,            X,            X,            X          ]),
        (E::OpenFailed,    [X,            To(Faulted),  X,            X,            X,            X          ]),
        (E::CloseStarted,  [To(Closed),   X,            To(Closing),  X,            To(Closed),   To(Closing)]),
        (E::CloseFinished, [X,            X,            X,            To(Closed),   X,            X          ]),
        (E::Abort,         [To(Created),  To(Faulted),  To(Faulted),  To(Closed),   To(Closed),   To(Faulted)]),
        (E::Reset,         [To(Created),  X,            X,            X,            To(Created),  X          ]),
    ];
    check(
        "ServiceHost",
        [Created, Opening, Open, Closing, Closed, Faulted],
        ServiceHostState::ALL,
        ServiceHostEvent::ALL,
        &table,
    );
}

#[test]
fn ensure_open_guards_io_by_state() {
    for &s in ChannelState::ALL {
        let r = s.ensure_open("send");
        match s {
            ChannelState::Open => assert!(r.is_ok()),
            ChannelState::Faulted => {
                assert!(matches!(r, Err(Error::ObjectFaulted { object: "Channel" })))
            }
            _ => assert!(matches!(
                r,
                Err(Error::InvalidOperation { object: "Channel", operation: "send", state })
                    if state == s.as_str()
            )),
        }
    }
    assert!(matches!(
        ListenerState::Faulted.ensure_open("accept"),
        Err(Error::ObjectFaulted { object: "Listener" })
    ));
    assert!(ServiceHostState::Open.ensure_open("dispatch").is_ok());
    assert!(matches!(
        ServiceProxyState::Closing.ensure_open("call"),
        Err(Error::InvalidOperation {
            object: "ServiceProxy",
            state: "Closing",
            operation: "call"
        })
    ));
}

#[test]
fn abandon_allowed_while_open_or_closing() {
    use ServiceProxyState::*;
    for (s, ok) in [
        (Created, false),
        (Opening, false),
        (Open, true),
        (Closing, true),
        (Closed, false),
        (Faulted, false),
    ] {
        let r = s.ensure_can_abandon();
        assert_eq!(r.is_ok(), ok, "{s}");
        if let Err(e) = r {
            assert!(matches!(
                e,
                Error::InvalidOperation {
                    object: "ServiceProxy",
                    operation: "abandon_call",
                    ..
                }
            ));
        }
    }
}

#[test]
fn cell_rejects_invalid_event_and_keeps_state() {
    let cell = StateCell::new(ServiceProxyState::Created);
    let err = cell
        .apply(ServiceProxyEvent::CloseFinished)
        .expect_err("close completion from Created");
    assert!(matches!(
        err,
        Error::InvalidOperation {
            object: "ServiceProxy",
            state: "Created",
            operation: "close completion"
        }
    ));
    assert_eq!(cell.get(), ServiceProxyState::Created);
}

#[test]
fn cell_transition_reports_from_and_to() {
    let cell = StateCell::new(ListenerState::Created);
    cell.apply(ListenerEvent::OpenStarted).expect("open");
    cell.apply(ListenerEvent::OpenSucceeded).expect("opened");
    let t = cell.transition(ListenerEvent::Abort).expect("abort");
    assert_eq!(
        (t.from, t.to),
        (ListenerState::Open, ListenerState::Faulted)
    );
    assert!(matches!(
        cell.ensure_open("accept"),
        Err(Error::ObjectFaulted { object: "Listener" })
    ));
}

#[test]
fn completion_after_abort_reports_aborted_and_changes_nothing() {
    let cell = StateCell::new(ServiceProxyState::Created);
    let first = cell
        .transition(ServiceProxyEvent::OpenStarted)
        .expect("open");
    cell.apply(ServiceProxyEvent::Abort).expect("abort");
    // A second open starts before the first one's completion arrives (ABA).
    let second = cell
        .transition(ServiceProxyEvent::OpenStarted)
        .expect("reopen");
    assert_eq!(cell.get(), ServiceProxyState::Opening);
    let late = cell.complete(first.ticket, ServiceProxyEvent::OpenSucceeded);
    assert!(matches!(
        late,
        Err(Error::Aborted {
            object: "ServiceProxy"
        })
    ));
    assert_eq!(cell.get(), ServiceProxyState::Opening);
    assert_eq!(
        cell.complete(second.ticket, ServiceProxyEvent::OpenSucceeded)
            .expect("current ticket"),
        ServiceProxyState::Open
    );
}

#[test]
fn stale_fault_does_not_invalidate_close_ticket() {
    let cell = StateCell::new(ChannelState::Created);
    let open = cell.transition(ChannelEvent::OpenStarted).expect("open");
    cell.complete(open.ticket, ChannelEvent::OpenSucceeded)
        .expect("opened");
    let close = cell.transition(ChannelEvent::CloseStarted).expect("close");
    assert_eq!(close.to, ChannelState::Closing);
    // A transport error seen while closing changes nothing, so the close still completes.
    assert_eq!(
        cell.apply(ChannelEvent::Fault).expect("fault"),
        ChannelState::Closing
    );
    assert_eq!(
        cell.complete(close.ticket, ChannelEvent::CloseFinished)
            .expect("closed"),
        ChannelState::Closed
    );
}

#[test]
fn concurrent_open_starts_admit_exactly_one() {
    const THREADS: usize = 8;
    let cell = Arc::new(StateCell::new(ServiceHostState::Created));
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let cell = Arc::clone(&cell);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                cell.apply(ServiceHostEvent::OpenStarted).is_ok()
            })
        })
        .collect();
    let winners = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .filter(|&won| won)
        .count();
    assert_eq!(winners, 1);
    assert_eq!(cell.get(), ServiceHostState::Opening);
}
