//! WS-Addressing message ids.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh `urn:uuid:` (version 4 layout) for `wsa:MessageID`.
///
/// Unique within the process by a counter, across processes by the random
/// keys of std's `RandomState`; not meant to be unguessable.
pub(crate) fn fresh_message_id() -> String {
    static STATE: OnceLock<RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let state = STATE.get_or_init(RandomState::new);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut h = state.build_hasher();
    h.write_u64(n);
    let hi = h.finish();
    h.write_u64(!n);
    let lo = h.finish();
    format!(
        "urn:uuid:{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0x0fff,
        ((lo >> 48) & 0x3fff) | 0x8000,
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::fresh_message_id;

    #[test]
    fn message_ids_are_distinct_uuids() {
        let a = fresh_message_id();
        let b = fresh_message_id();
        assert_ne!(a, b);
        for id in [&a, &b] {
            let hex = id.strip_prefix("urn:uuid:").expect("urn:uuid prefix");
            let groups: Vec<usize> = hex.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
            assert!(hex.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        }
    }
}
