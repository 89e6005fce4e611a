//! Cancellation primitives shared by every layer: [`AbortSignal`] and [`CallId`].

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio_util::sync::{CancellationToken, WaitForCancellationFuture};

/// A one-shot, clonable abort flag that tasks can await.
///
/// Aborting is synchronous, lock-free for the caller and idempotent; every
/// clone and every child observes it. Children can be aborted on their own
/// without touching the parent (an abandoned call under a live proxy).
#[derive(Clone, Debug, Default)]
pub struct AbortSignal {
    token: CancellationToken,
}

impl AbortSignal {
    /// A new signal that is not aborted.
    pub fn new() -> Self {
        Self::default()
    }

    /// Aborts this signal and all its children. Never blocks; may be called many times.
    pub fn abort(&self) {
        self.token.cancel();
    }

    /// Whether [`abort`](Self::abort) was called on this signal or an ancestor.
    pub fn is_aborted(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Resolves once the signal is aborted.
    ///
    /// Cancel safe: dropping the future has no effect on the signal.
    pub fn aborted(&self) -> WaitForCancellationFuture<'_> {
        self.token.cancelled()
    }

    /// An owned future resolving once the signal is aborted (for `'static` tasks).
    ///
    /// Cancel safe: dropping the future has no effect on the signal.
    pub fn aborted_owned(&self) -> tokio_util::sync::WaitForCancellationFutureOwned {
        self.token.clone().cancelled_owned()
    }

    /// A child signal: aborted when this one is, and abortable on its own.
    pub fn child(&self) -> AbortSignal {
        AbortSignal {
            token: self.token.child_token(),
        }
    }

    /// The underlying tokio-util token, for use with `select!` or other crates.
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }
}

impl From<CancellationToken> for AbortSignal {
    fn from(token: CancellationToken) -> Self {
        AbortSignal { token }
    }
}

/// Identifies a call on a service proxy so that it can be abandoned.
///
/// Ids are non-zero; [`CallId::ALL`] (0) names every pending call at once.
/// Several calls may share one id and are then abandoned together.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(u64);

impl CallId {
    /// Names every pending call: `abandon_call(CallId::ALL)` abandons them all.
    pub const ALL: CallId = CallId(0);

    /// A call id from a raw value; 0 is [`CallId::ALL`].
    pub const fn new(id: u64) -> Self {
        CallId(id)
    }

    /// The raw value.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// Whether this is [`CallId::ALL`].
    pub const fn is_all(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Debug for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            f.write_str("CallId(ALL)")
        } else {
            write!(f, "CallId({})", self.0)
        }
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<u64> for CallId {
    fn from(id: u64) -> Self {
        CallId(id)
    }
}

/// Hands out fresh, non-zero call ids.
///
/// Fresh ids start high (2^63) so they never collide with small ids that
/// callers choose themselves through `CallOptions::call_id`.
#[derive(Debug)]
pub struct CallIdGenerator {
    next: AtomicU64,
}

impl Default for CallIdGenerator {
    fn default() -> Self {
        CallIdGenerator {
            next: AtomicU64::new(1 << 63),
        }
    }
}

impl CallIdGenerator {
    /// A new generator.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next fresh id; never [`CallId::ALL`].
    pub fn next_id(&self) -> CallId {
        loop {
            let id = self.next.fetch_add(1, Ordering::Relaxed);
            if id != 0 {
                return CallId(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_abort_leaves_parent_alone_and_parent_abort_reaches_child() {
        let parent = AbortSignal::new();
        let a = parent.child();
        let b = parent.child();
        a.abort();
        assert!(a.is_aborted());
        assert!(!parent.is_aborted());
        assert!(!b.is_aborted());
        parent.abort();
        parent.abort();
        assert!(b.is_aborted());
    }

    #[tokio::test]
    async fn aborted_future_resolves_after_abort() {
        let s = AbortSignal::new();
        let s2 = s.clone();
        let waiter = tokio::spawn(async move { s2.aborted_owned().await });
        s.abort();
        waiter.await.expect("waiter task");
        assert!(s.is_aborted());
    }

    #[test]
    fn generated_ids_are_fresh_and_never_all() {
        let g = CallIdGenerator::new();
        let a = g.next_id();
        let b = g.next_id();
        assert_ne!(a, b);
        assert!(!a.is_all() && !b.is_all());
        assert!(CallId::ALL.is_all());
        assert_eq!(CallId::new(7).get(), 7);
    }
}
