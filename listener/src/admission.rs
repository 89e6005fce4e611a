//! Which connections the listener keeps when it is full.
//!
//! Every accepted connection is registered with its phase: `New` (nothing
//! received yet), `Head` (a request head is arriving), `Busy` (an exchange
//! is in progress) or `Idle` (kept alive between exchanges). At
//! `max_connections` the listener still accepts, and makes room by
//! closing, oldest first, an idle keep-alive connection, else one that has
//! sent nothing yet, else one still sending its head (as nginx reuses idle
//! keep-alive connections and HAProxy and Envoy shed the slowest work
//! first). Only when every connection is busy with an exchange is the new
//! one answered 503 and closed. So idle or slow connections cannot lock
//! new clients out, and nothing waits in the kernel's backlog for a slot.

use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio_util::sync::CancellationToken;

/// What a connection is doing.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Phase {
    /// Accepted; nothing received yet.
    New = 0,
    /// Bytes of a request head have arrived, not the whole head.
    Head = 1,
    /// An exchange is in progress (its head arrived whole).
    Busy = 2,
    /// Kept alive between exchanges.
    Idle = 3,
}

impl Phase {
    fn from_u8(v: u8) -> Phase {
        match v {
            0 => Phase::New,
            1 => Phase::Head,
            2 => Phase::Busy,
            _ => Phase::Idle,
        }
    }

    /// Eviction order at the limit: lower goes first; `None` is never evicted.
    fn eviction_rank(self) -> Option<u8> {
        match self {
            Phase::Idle => Some(0),
            Phase::New => Some(1),
            Phase::Head => Some(2),
            Phase::Busy => None,
        }
    }
}

/// One registered connection.
#[derive(Debug)]
pub(crate) struct Slot {
    phase: AtomicU8,
    /// When the phase last changed, as a number from the registry's clock
    /// (a counter: only the order matters).
    since: AtomicU64,
    clock: Arc<AtomicU64>,
    /// Cancelled to close the connection (evicted).
    evict: CancellationToken,
    /// Where it stands in the registry's list (kept up to date under its lock).
    index: AtomicUsize,
}

impl Slot {
    fn new(clock: Arc<AtomicU64>) -> Self {
        Slot {
            phase: AtomicU8::new(Phase::New as u8),
            since: AtomicU64::new(clock.fetch_add(1, Ordering::Relaxed)),
            clock,
            evict: CancellationToken::new(),
            index: AtomicUsize::new(0),
        }
    }

    /// A small number that differs between neighbouring connections, to
    /// spread their deadlines: a flood that arrived at once must not expire
    /// (and come back) at once.
    pub(crate) fn spread(&self) -> u32 {
        (self.index.load(Ordering::Relaxed) % 16) as u32
    }

    pub(crate) fn phase(&self) -> Phase {
        Phase::from_u8(self.phase.load(Ordering::Acquire))
    }

    fn set(&self, phase: Phase) {
        let now = self.clock.fetch_add(1, Ordering::Relaxed);
        self.since.store(now, Ordering::Relaxed);
        self.phase.store(phase as u8, Ordering::Release);
    }

    /// Bytes arrived: a new or idle connection starts a request head.
    pub(crate) fn received(&self) {
        let phase = self.phase.load(Ordering::Relaxed);
        if phase == Phase::New as u8 || phase == Phase::Idle as u8 {
            self.set(Phase::Head);
        }
    }

    /// A request head arrived whole: an exchange starts.
    pub(crate) fn exchange_started(&self) {
        self.set(Phase::Busy);
    }

    /// The exchange was answered: the connection waits for the next request.
    pub(crate) fn exchange_answered(&self) {
        self.set(Phase::Idle);
    }

    /// Resolves when the listener evicts this connection to make room.
    ///
    /// Cancel safe.
    pub(crate) async fn evicted(&self) {
        self.evict.cancelled().await
    }
}

/// The connections of one open listener.
#[derive(Debug)]
pub(crate) struct Registry {
    limit: usize,
    clock: Arc<AtomicU64>,
    slots: Mutex<Vec<Arc<Slot>>>,
}

/// Unregisters its connection when dropped.
#[derive(Debug)]
pub(crate) struct Registered {
    registry: Arc<Registry>,
    pub(crate) slot: Arc<Slot>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        // O(1): a flood of closes must not hold the lock for a scan each.
        let mut slots = self.registry.lock();
        let i = self.slot.index.load(Ordering::Relaxed);
        if slots.get(i).is_some_and(|s| Arc::ptr_eq(s, &self.slot)) {
            slots.swap_remove(i);
            if let Some(moved) = slots.get(i) {
                moved.index.store(i, Ordering::Relaxed);
            }
        }
    }
}

/// What [`Registry::admit`] decided.
#[derive(Debug)]
pub(crate) enum Admission {
    /// Serve it (another connection may have been evicted to make room).
    Serve(Registered),
    /// Every connection is busy: answer 503 and close.
    Full,
}

impl Registry {
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        Arc::new(Registry {
            limit: limit.max(1),
            clock: Arc::new(AtomicU64::new(0)),
            slots: Mutex::new(Vec::with_capacity(limit.clamp(1, 4096))),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Arc<Slot>>> {
        // Only pushes, removals and reads run under the lock.
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Connections registered now (evicted ones count until they have closed).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Registers a newly accepted connection, evicting one at the limit.
    pub(crate) fn admit(self: &Arc<Self>) -> Admission {
        let mut slots = self.lock();
        // Evicted connections leave on their own task; do not evict for them twice.
        if slots.len() >= self.limit
            && slots.iter().filter(|s| !s.evict.is_cancelled()).count() >= self.limit
        {
            let victim = slots
                .iter()
                .filter(|s| !s.evict.is_cancelled())
                .filter_map(|s| {
                    let rank = s.phase().eviction_rank()?;
                    Some((rank, s.since.load(Ordering::Relaxed), s))
                })
                .min_by_key(|(rank, since, _)| (*rank, *since))
                .map(|(_, _, s)| s.clone());
            match victim {
                Some(victim) => {
                    tracing::debug!(target: "wws.listener", phase = ?victim.phase(), "at max_connections: closing a connection to make room");
                    victim.evict.cancel();
                }
                None => return Admission::Full,
            }
        }
        let slot = Arc::new(Slot::new(self.clock.clone()));
        slot.index.store(slots.len(), Ordering::Relaxed);
        slots.push(slot.clone());
        Admission::Serve(Registered {
            registry: self.clone(),
            slot,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(r: &Arc<Registry>) -> Registered {
        match r.admit() {
            Admission::Serve(reg) => reg,
            Admission::Full => panic!("full"),
        }
    }

    #[test]
    fn at_the_limit_idle_goes_first_then_silent_then_slow_heads_never_busy() {
        let r = Registry::new(3);
        let busy = serve(&r);
        busy.slot.exchange_started();
        let head = serve(&r);
        head.slot.received();
        let silent = serve(&r);
        let idle = serve(&r); // fourth: evicts the silent one (no idle yet)
        assert!(silent.slot.evict.is_cancelled());
        assert!(!head.slot.evict.is_cancelled() && !busy.slot.evict.is_cancelled());
        drop(silent);
        idle.slot.exchange_started();
        idle.slot.exchange_answered();
        let fifth = serve(&r); // evicts the idle keep-alive connection
        assert!(idle.slot.evict.is_cancelled());
        drop(idle);
        fifth.slot.exchange_started();
        let _sixth = serve(&r); // then the one still sending its head
        assert!(head.slot.evict.is_cancelled());
        drop(head);
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn closes_in_any_order_leave_the_list_consistent() {
        let r = Registry::new(100);
        let mut held: Vec<Registered> = (0..50).map(|_| serve(&r)).collect();
        for k in [7usize, 0, 41, 3, 3, 10] {
            let k = k % held.len();
            drop(held.remove(k));
        }
        assert_eq!(r.len(), 44);
        drop(held);
        assert_eq!(r.len(), 0);
    }

    #[test]
    fn when_every_connection_is_busy_the_new_one_is_refused() {
        let r = Registry::new(2);
        let a = serve(&r);
        let b = serve(&r);
        a.slot.exchange_started();
        b.slot.exchange_started();
        assert!(matches!(r.admit(), Admission::Full));
        drop(a);
        assert!(matches!(r.admit(), Admission::Serve(_)));
    }

    #[test]
    fn the_oldest_of_a_kind_goes_first() {
        let r = Registry::new(2);
        let old = serve(&r);
        let young = serve(&r);
        let _new = serve(&r);
        assert!(old.slot.evict.is_cancelled());
        assert!(!young.slot.evict.is_cancelled());
    }
}
