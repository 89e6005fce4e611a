//! The state machines of every object, as pure functions (no I/O, no clock).
//!
//! Each object has a state enum and an event enum; `state.on(event)` is the
//! whole machine. A layer keeps its state in a [`StateCell`], which applies
//! events atomically and hands out [`Ticket`]s so that the completion of an
//! operation cannot land on a state that an `abort()` already moved on.
//!
//! Rules shared by all four machines (DESIGN.md §2, WWSAPI's state diagrams):
//!
//! - `*Started` events are allowed only from `Created`; their completion
//!   (`*Succeeded`/`*Failed`) only from the in-progress state.
//! - A failed open leaves the object `Faulted` (as WWSAPI: the transport
//!   is in an unknown state); close it, reset it and open again.
//! - `CloseStarted` from `Created` or `Closed` completes at once (→ `Closed`);
//!   from `Open` or `Faulted` it enters `Closing`, and `CloseFinished` ends
//!   in `Closed`. Closing while `Opening` is invalid: abort instead.
//! - `Abort` is allowed in every state and never fails; what it does is the
//!   table of DESIGN.md §2, repeated on each `on` method.
//! - A channel's `Fault` (a transport error under it) is allowed in every
//!   state: `Open` → `Faulted`, any other state unchanged, because a fault
//!   that arrives after abort or close has already settled the channel is
//!   stale. The other objects fault only by abort or a failed open.
//! - No `Accepting` state: a server channel (`ReplyChannel`) is handed out
//!   by its listener already `Open`, the accept being the listener's.
//! - `Reset` is allowed from `Created` and `Closed` only (WsResetChannel,
//!   WsResetListener, WsResetServiceProxy and WsResetServiceHost all reuse a
//!   *closed* object; a faulted one must be closed first, which is cheap).
//!
//! Every other pair is [`Error::InvalidOperation`] naming the object, the
//! state and the operation.
//!
//! ```
//! use wws_core::state::{ChannelEvent, ChannelState};
//!
//! let s = ChannelState::Created.on(ChannelEvent::OpenStarted)?;
//! assert_eq!(s, ChannelState::Opening);
//! // abort while opening returns the channel to Created
//! assert_eq!(s.on(ChannelEvent::Abort)?, ChannelState::Created);
//! // send/receive need an open channel
//! assert!(ChannelState::Created.ensure_open("send").is_err());
//! # Ok::<(), wws_core::Error>(())
//! ```

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::{Error, Result};

macro_rules! state_enum {
    ($(#[$m:meta])* $name:ident / $object:literal { $($(#[$vm:meta])* $v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            /// Every state, for exhaustive tests.
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            /// The object's name, as used in errors.
            pub const OBJECT: &'static str = $object;

            /// The state's name, as used in errors.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$v => stringify!($v)),+ }
            }

            /// `Ok` when open; `ObjectFaulted` when faulted; else `InvalidOperation` for `operation`.
            ///
            /// The guard for I/O-like operations (send, receive, accept, call).
            pub fn ensure_open(self, operation: &'static str) -> Result<()> {
                <Self as StateMachine>::ensure_open(self, operation)
            }

            fn invalid(self, operation: &'static str) -> Error {
                Error::InvalidOperation { object: $object, state: self.as_str(), operation }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

macro_rules! event_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $op:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            /// Every event, for exhaustive tests.
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            /// The operation this event stands for, as named in `InvalidOperation`.
            pub const fn operation(self) -> &'static str {
                match self { $($name::$v => $op),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.operation())
            }
        }
    };
}

state_enum! {
    /// States of a channel (`WS_CHANNEL_STATE`).
    ChannelState / "Channel" {
        /// Made, not yet opened.
        Created,
        /// `open` in progress.
        Opening,
        /// Ready for I/O.
        Open,
        /// Broken by abort or a transport error; only close/abort allowed.
        Faulted,
        /// `close` in progress.
        Closing,
        /// Closed; `reset` makes it Created again.
        Closed,
    }
}

state_enum! {
    /// States of a listener (`WS_LISTENER_STATE`).
    ListenerState / "Listener" {
        /// Made, not yet opened.
        Created,
        /// `open` in progress.
        Opening,
        /// Accepting channels.
        Open,
        /// Aborted or failed; accepts fail with `ObjectFaulted`.
        Faulted,
        /// `close` in progress.
        Closing,
        /// Closed.
        Closed,
    }
}

state_enum! {
    /// States of a service proxy (`WS_SERVICE_PROXY_STATE`).
    ServiceProxyState / "ServiceProxy" {
        /// Made, not yet opened.
        Created,
        /// `open` in progress.
        Opening,
        /// Calls allowed.
        Open,
        /// `close` in progress: no new calls, pending ones finish.
        Closing,
        /// Closed.
        Closed,
        /// Aborted or broken; new calls fail with `ObjectFaulted`.
        Faulted,
    }
}

state_enum! {
    /// States of a service host (`WS_SERVICE_HOST_STATE`).
    ServiceHostState / "ServiceHost" {
        /// Made, not yet opened.
        Created,
        /// `open` in progress.
        Opening,
        /// Serving.
        Open,
        /// `close` in progress: not accepting, in-flight operations finish.
        Closing,
        /// Closed.
        Closed,
        /// Aborted or failed.
        Faulted,
    }
}

event_enum! {
    /// What can happen to a channel.
    ChannelEvent {
        /// `open()` called.
        OpenStarted => "open",
        /// The open completed.
        OpenSucceeded => "open completion",
        /// The open failed.
        OpenFailed => "open failure",
        /// `close()` called.
        CloseStarted => "close",
        /// The close completed.
        CloseFinished => "close completion",
        /// `abort()` called.
        Abort => "abort",
        /// `reset()` called.
        Reset => "reset",
        /// The transport failed under the channel.
        Fault => "fault",
    }
}

event_enum! {
    /// What can happen to a listener.
    ListenerEvent {
        /// `open()` called.
        OpenStarted => "open",
        /// The open (bind) completed.
        OpenSucceeded => "open completion",
        /// The open failed.
        OpenFailed => "open failure",
        /// `close()` called.
        CloseStarted => "close",
        /// The close completed.
        CloseFinished => "close completion",
        /// `abort()` called.
        Abort => "abort",
        /// `reset()` called.
        Reset => "reset",
    }
}

event_enum! {
    /// What can happen to a service proxy.
    ServiceProxyEvent {
        /// `open()` called.
        OpenStarted => "open",
        /// The open completed.
        OpenSucceeded => "open completion",
        /// The open failed.
        OpenFailed => "open failure",
        /// `close()` called.
        CloseStarted => "close",
        /// The close completed (pending calls finished or were aborted).
        CloseFinished => "close completion",
        /// `abort()` called.
        Abort => "abort",
        /// `reset()` called.
        Reset => "reset",
    }
}

event_enum! {
    /// What can happen to a service host.
    ServiceHostEvent {
        /// `open()` called.
        OpenStarted => "open",
        /// Every endpoint is listening.
        OpenSucceeded => "open completion",
        /// The open failed (e.g. an address in use).
        OpenFailed => "open failure",
        /// `close()` called.
        CloseStarted => "close",
        /// The close completed.
        CloseFinished => "close completion",
        /// `abort()` called.
        Abort => "abort",
        /// `reset()` called.
        Reset => "reset",
    }
}

impl ChannelState {
    /// The state after `event`, or `InvalidOperation` when `event` is not allowed here.
    ///
    /// Abort: `Open` → `Faulted`; `Opening` → `Created`;
    /// `Closing` → `Closed`; otherwise unchanged.
    pub fn on(self, event: ChannelEvent) -> Result<Self> {
        use ChannelEvent as E;
        use ChannelState as S;
        Ok(match (self, event) {
            (S::Open, E::Abort) => S::Faulted,
            (S::Opening, E::Abort) => S::Created,
            (S::Closing, E::Abort) => S::Closed,
            (s, E::Abort) => s,
            (S::Open, E::Fault) => S::Faulted,
            (s, E::Fault) => s,
            (S::Created, E::OpenStarted) => S::Opening,
            (S::Opening, E::OpenSucceeded) => S::Open,
            (S::Opening, E::OpenFailed) => S::Faulted,
            (S::Created | S::Closed, E::CloseStarted) => S::Closed,
            (S::Open | S::Faulted, E::CloseStarted) => S::Closing,
            (S::Closing, E::CloseFinished) => S::Closed,
            (S::Created | S::Closed, E::Reset) => S::Created,
            (s, e) => return Err(s.invalid(e.operation())),
        })
    }
}

impl ListenerState {
    /// The state after `event`, or `InvalidOperation` when `event` is not allowed here.
    ///
    /// Abort: `Open` → `Faulted` (later accepts fail with `ObjectFaulted`);
    /// `Opening` → `Created` and `Closing` → `Closed`, as for the channel and
    /// the proxy, since nothing is bound yet or any more; otherwise unchanged.
    pub fn on(self, event: ListenerEvent) -> Result<Self> {
        use ListenerEvent as E;
        use ListenerState as S;
        Ok(match (self, event) {
            (S::Open, E::Abort) => S::Faulted,
            (S::Opening, E::Abort) => S::Created,
            (S::Closing, E::Abort) => S::Closed,
            (s, E::Abort) => s,
            (S::Created, E::OpenStarted) => S::Opening,
            (S::Opening, E::OpenSucceeded) => S::Open,
            (S::Opening, E::OpenFailed) => S::Faulted,
            (S::Created | S::Closed, E::CloseStarted) => S::Closed,
            (S::Open | S::Faulted, E::CloseStarted) => S::Closing,
            (S::Closing, E::CloseFinished) => S::Closed,
            (S::Created | S::Closed, E::Reset) => S::Created,
            (s, e) => return Err(s.invalid(e.operation())),
        })
    }
}

impl ServiceProxyState {
    /// The state after `event`, or `InvalidOperation` when `event` is not allowed here.
    ///
    /// Abort: `Opening` → `Created`; `Open` → `Faulted` (pending calls
    /// complete with `Aborted`); `Closing` → `Closed`; otherwise unchanged.
    pub fn on(self, event: ServiceProxyEvent) -> Result<Self> {
        use ServiceProxyEvent as E;
        use ServiceProxyState as S;
        Ok(match (self, event) {
            (S::Open, E::Abort) => S::Faulted,
            (S::Opening, E::Abort) => S::Created,
            (S::Closing, E::Abort) => S::Closed,
            (s, E::Abort) => s,
            (S::Created, E::OpenStarted) => S::Opening,
            (S::Opening, E::OpenSucceeded) => S::Open,
            (S::Opening, E::OpenFailed) => S::Faulted,
            (S::Created | S::Closed, E::CloseStarted) => S::Closed,
            (S::Open | S::Faulted, E::CloseStarted) => S::Closing,
            (S::Closing, E::CloseFinished) => S::Closed,
            (S::Created | S::Closed, E::Reset) => S::Created,
            (s, e) => return Err(s.invalid(e.operation())),
        })
    }

    /// Guard for `abandon_call`: allowed while `Open` or `Closing` (pending
    /// calls may still be running), else `InvalidOperation`.
    pub fn ensure_can_abandon(self) -> Result<()> {
        match self {
            ServiceProxyState::Open | ServiceProxyState::Closing => Ok(()),
            s => Err(s.invalid("abandon_call")),
        }
    }
}

impl ServiceHostState {
    /// The state after `event`, or `InvalidOperation` when `event` is not allowed here.
    ///
    /// Abort: `Open` → `Faulted`; `Opening` → `Faulted` too, unlike the
    /// other objects: some endpoints may already be listening when the abort
    /// lands, so the host is torn down like a failed open (as WWSAPI's
    /// service host, which faults) and `open()` returns `Aborted`;
    /// `Closing` → `Closed`; otherwise unchanged.
    pub fn on(self, event: ServiceHostEvent) -> Result<Self> {
        use ServiceHostEvent as E;
        use ServiceHostState as S;
        Ok(match (self, event) {
            (S::Open | S::Opening, E::Abort) => S::Faulted,
            (S::Closing, E::Abort) => S::Closed,
            (s, E::Abort) => s,
            (S::Created, E::OpenStarted) => S::Opening,
            (S::Opening, E::OpenSucceeded) => S::Open,
            (S::Opening, E::OpenFailed) => S::Faulted,
            (S::Created | S::Closed, E::CloseStarted) => S::Closed,
            (S::Open | S::Faulted, E::CloseStarted) => S::Closing,
            (S::Closing, E::CloseFinished) => S::Closed,
            (S::Created | S::Closed, E::Reset) => S::Created,
            (s, e) => return Err(s.invalid(e.operation())),
        })
    }
}

/// What the four machines share, so that [`StateCell`] can hold any of them.
pub trait StateMachine: Copy + Eq + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The machine's event type.
    type Event: Copy + Eq + fmt::Debug + Send + Sync + 'static;
    /// The object's name, as used in errors ("Channel", "ServiceProxy", ...).
    const OBJECT: &'static str;
    /// The state in which I/O-like operations are allowed.
    const OPEN: Self;
    /// The state in which operations fail with `ObjectFaulted`.
    const FAULTED: Self;

    /// The state after `event`, or `InvalidOperation`.
    fn on(self, event: Self::Event) -> Result<Self>;

    /// The state's name.
    fn name(self) -> &'static str;

    /// The operation an event stands for.
    fn operation(event: Self::Event) -> &'static str;

    /// `Ok` when open; `ObjectFaulted` when faulted; else `InvalidOperation` for `operation`.
    fn ensure_open(self, operation: &'static str) -> Result<()> {
        if self == Self::OPEN {
            Ok(())
        } else if self == Self::FAULTED {
            Err(Error::ObjectFaulted {
                object: Self::OBJECT,
            })
        } else {
            Err(Error::InvalidOperation {
                object: Self::OBJECT,
                state: self.name(),
                operation,
            })
        }
    }
}

macro_rules! impl_machine {
    ($state:ident, $event:ident) => {
        impl StateMachine for $state {
            type Event = $event;
            const OBJECT: &'static str = $state::OBJECT;
            const OPEN: Self = $state::Open;
            const FAULTED: Self = $state::Faulted;

            fn on(self, event: $event) -> Result<Self> {
                $state::on(self, event)
            }

            fn name(self) -> &'static str {
                self.as_str()
            }

            fn operation(event: $event) -> &'static str {
                event.operation()
            }
        }
    };
}

impl_machine!(ChannelState, ChannelEvent);
impl_machine!(ListenerState, ListenerEvent);
impl_machine!(ServiceProxyState, ServiceProxyEvent);
impl_machine!(ServiceHostState, ServiceHostEvent);

/// Proof that a transition happened, used to complete the operation it started.
///
/// A ticket goes stale as soon as the state changes again, so an open that
/// finishes after an abort (and perhaps a new open) cannot move the object.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Ticket(u64);

/// One applied event: the state before, the state after, and its [`Ticket`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Transition<S> {
    /// The state before the event.
    pub from: S,
    /// The state after the event.
    pub to: S,
    /// Completes the operation this event started (see [`StateCell::complete`]).
    pub ticket: Ticket,
}

/// One object's state and the epoch its [`Ticket`]s are checked against:
/// the lifecycle every object of the stack keeps.
///
/// Not thread-safe by itself: an object that keeps more than its state
/// under one lock (a channel's endpoint and abort signals, say) embeds a
/// `Lifecycle` in that lock's data; one that keeps nothing else uses a
/// [`StateCell`], which is a `Lifecycle` behind its own lock. Either way the
/// transition, the epoch and the stale-completion rule are this code.
///
/// ```
/// use wws_core::state::{Lifecycle, ListenerEvent, ListenerState};
///
/// let mut life = Lifecycle::new(ListenerState::Created);
/// let opening = life.transition(ListenerEvent::OpenStarted)?;
/// life.apply(ListenerEvent::Abort)?; // from another task, under the same lock
/// assert!(!life.is_current(opening.ticket));
/// assert!(life.complete(opening.ticket, ListenerEvent::OpenSucceeded).is_err());
/// assert_eq!(life.state(), ListenerState::Created);
/// # Ok::<(), wws_core::Error>(())
/// ```
#[derive(Copy, Clone, Debug)]
pub struct Lifecycle<S> {
    state: S,
    // Bumped on every change of state; tickets compare against it.
    epoch: u64,
}

impl<S: StateMachine> Lifecycle<S> {
    /// A lifecycle in `initial`.
    pub const fn new(initial: S) -> Self {
        Lifecycle {
            state: initial,
            epoch: 0,
        }
    }

    /// The current state.
    pub fn state(&self) -> S {
        self.state
    }

    /// A ticket for the current state: stale as soon as the state changes.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.epoch)
    }

    /// Whether the state is still the one `ticket` was issued for.
    pub fn is_current(&self, ticket: Ticket) -> bool {
        self.epoch == ticket.0
    }

    /// Applies `event` and returns the new state, or `InvalidOperation` (state unchanged).
    pub fn apply(&mut self, event: S::Event) -> Result<S> {
        self.transition(event).map(|t| t.to)
    }

    /// Applies `event` and returns the states before and after, with a ticket.
    pub fn transition(&mut self, event: S::Event) -> Result<Transition<S>> {
        let from = self.state;
        let to = from.on(event)?;
        if to != from {
            self.state = to;
            self.epoch = self.epoch.wrapping_add(1);
        }
        Ok(Transition {
            from,
            to,
            ticket: self.ticket(),
        })
    }

    /// Applies the completion `event` of the operation `ticket` started.
    ///
    /// If the state changed since the ticket was issued, nothing is applied
    /// and the result is [`Error::Aborted`]: the only way out of `Opening`
    /// or `Closing` other than the operation's own completion is an abort.
    /// Otherwise as [`apply`](Self::apply).
    pub fn complete(&mut self, ticket: Ticket, event: S::Event) -> Result<S> {
        if !self.is_current(ticket) {
            return Err(Self::aborted());
        }
        self.apply(event)
    }

    /// `Ok` when open; `ObjectFaulted` when faulted; else `InvalidOperation` for `operation`.
    pub fn ensure_open(&self, operation: &'static str) -> Result<()> {
        self.state.ensure_open(operation)
    }

    /// The error of an operation of this object that an abort ended.
    pub fn aborted() -> Error {
        Error::Aborted { object: S::OBJECT }
    }
}

/// Runs a closure when dropped, unless disarmed first: what turns dropping
/// an `open` or `close` future half-way into an abort, in every object.
///
/// ```
/// use std::cell::Cell;
/// use wws_core::state::OnDrop;
///
/// let aborted = Cell::new(false);
/// drop(OnDrop::new(|| aborted.set(true)));
/// assert!(aborted.get());
///
/// aborted.set(false);
/// let mut guard = OnDrop::new(|| aborted.set(true));
/// guard.disarm(); // the operation completed
/// drop(guard);
/// assert!(!aborted.get());
/// ```
#[must_use = "dropping the guard at once runs it at once"]
pub struct OnDrop<F: FnOnce()>(Option<F>);

impl<F: FnOnce()> OnDrop<F> {
    /// A guard that runs `f` when dropped.
    pub fn new(f: F) -> Self {
        OnDrop(Some(f))
    }

    /// Keeps `f` from running.
    pub fn disarm(&mut self) {
        self.0 = None;
    }
}

impl<F: FnOnce()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

impl<F: FnOnce()> fmt::Debug for OnDrop<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnDrop")
            .field("armed", &self.0.is_some())
            .finish()
    }
}

/// A thread-safe holder of one object's state, shared by its tasks.
///
/// Every method is synchronous: the internal lock is held only while the pure
/// transition runs, never across an await or I/O, so `abort()` can apply
/// [`Abort`](ChannelEvent::Abort) from any thread without waiting on work in
/// flight. Typical use in a layer:
///
/// ```
/// use wws_core::state::{ChannelEvent, ChannelState, StateCell};
///
/// let cell = StateCell::new(ChannelState::Created);
/// let started = cell.transition(ChannelEvent::OpenStarted)?; // InvalidOperation if not Created
/// // ... connect; meanwhile another thread aborts:
/// cell.apply(ChannelEvent::Abort)?;
/// // the late completion does not reopen the channel; it reports Aborted
/// let late = cell.complete(started.ticket, ChannelEvent::OpenSucceeded);
/// assert!(matches!(late, Err(wws_core::Error::Aborted { object: "Channel" })));
/// assert_eq!(cell.get(), ChannelState::Created);
/// # Ok::<(), wws_core::Error>(())
/// ```
#[derive(Debug)]
pub struct StateCell<S> {
    slot: Mutex<Lifecycle<S>>,
}

impl<S: StateMachine> StateCell<S> {
    /// A cell holding `initial`.
    pub const fn new(initial: S) -> Self {
        StateCell {
            slot: Mutex::new(Lifecycle::new(initial)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Lifecycle<S>> {
        // Transitions are pure and do not panic; a poisoned lock still holds a valid state.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current state.
    pub fn get(&self) -> S {
        self.lock().state()
    }

    /// Applies `event` atomically and returns the new state, or `InvalidOperation` (state unchanged).
    pub fn apply(&self, event: S::Event) -> Result<S> {
        self.lock().apply(event)
    }

    /// Applies `event` atomically and returns the states before and after, with a ticket.
    pub fn transition(&self, event: S::Event) -> Result<Transition<S>> {
        self.lock().transition(event)
    }

    /// Applies the completion `event` of the operation `ticket` started,
    /// atomically; see [`Lifecycle::complete`].
    pub fn complete(&self, ticket: Ticket, event: S::Event) -> Result<S> {
        self.lock().complete(ticket, event)
    }

    /// Whether the state is still the one `ticket` was issued for.
    pub fn is_current(&self, ticket: Ticket) -> bool {
        self.lock().is_current(ticket)
    }

    /// `Ok(state)` when open; `ObjectFaulted` when faulted; else `InvalidOperation` for `operation`.
    pub fn ensure_open(&self, operation: &'static str) -> Result<S> {
        let state = self.get();
        state.ensure_open(operation).map(|()| state)
    }
}
