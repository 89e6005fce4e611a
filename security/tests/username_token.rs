//! UsernameToken and Timestamp from our proxy to our host over loopback.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::*;
use wws_core::{EnvelopeVersion, FaultCode, Header, Message, Result};
use wws_proxy::{CallInfo, CallOptions, ProxyLayer};
use wws_security::replay::{ReplayCache, Seen};
use wws_security::{
    SecurityFault, UsernameCredentials, UsernameTokenLayer, UsernameTokenValidator, ns,
};

const BOTH: [EnvelopeVersion; 2] = [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12];

#[tokio::test]
async fn text_and_digest_authenticate_and_the_operation_sees_the_principal() {
    for envelope in BOTH {
        let (host, url) = host(envelope, Some(UsernameTokenValidator::new(users))).await;
        for creds in [
            UsernameCredentials::text("alice", "secret"),
            UsernameCredentials::digest("alice", "secret"),
        ] {
            let proxy = open(builder(&url, envelope).layer(UsernameTokenLayer::new(creds))).await;
            assert_eq!(
                who(&proxy, CallOptions::new()).await.expect("call"),
                "Alice"
            );
            // A second call has a fresh nonce: not a replay.
            assert_eq!(
                who(&proxy, CallOptions::new()).await.expect("call"),
                "Alice"
            );
            proxy.close().await.expect("close");
        }
        host.close().await.expect("close");
    }
}

#[tokio::test]
async fn a_call_s_credentials_override_the_proxy_s() {
    let envelope = EnvelopeVersion::Soap11;
    let (host, url) = host(envelope, Some(UsernameTokenValidator::new(users))).await;
    let layer = UsernameTokenLayer::new(UsernameCredentials::digest("alice", "secret"));
    let proxy = open(builder(&url, envelope).layer(layer)).await;
    let bob = CallOptions::new().extension(UsernameCredentials::digest("bob", "hunter2"));
    assert_eq!(who(&proxy, bob).await.expect("bob"), "Bob");
    assert_eq!(
        who(&proxy, CallOptions::new()).await.expect("alice"),
        "Alice"
    );

    let per_call = open(builder(&url, envelope).layer(UsernameTokenLayer::per_call())).await;
    let bob = CallOptions::new().extension(UsernameCredentials::text("bob", "hunter2"));
    assert_eq!(who(&per_call, bob).await.expect("bob"), "Bob");
    // Without credentials the call carries a timestamp only: no token, refused.
    let refused = who(&per_call, CallOptions::new()).await;
    assert_eq!(security_fault(refused), SecurityFault::InvalidSecurity);
    host.close().await.expect("close");
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_the_identical_fault() {
    for envelope in BOTH {
        let (host, url) = host(envelope, Some(UsernameTokenValidator::new(users))).await;
        for digest in [false, true] {
            let creds = |u: &str, p: &str| {
                if digest {
                    UsernameCredentials::digest(u, p)
                } else {
                    UsernameCredentials::text(u, p)
                }
            };
            let proxy = open(builder(&url, envelope).layer(UsernameTokenLayer::per_call())).await;
            let wrong = who(
                &proxy,
                CallOptions::new().extension(creds("alice", "guess")),
            )
            .await;
            let unknown = who(
                &proxy,
                CallOptions::new().extension(creds("nobody", "secret")),
            )
            .await;
            let (wrong, unknown) = (fault_of(wrong), fault_of(unknown));
            assert_eq!(
                wrong, unknown,
                "the faults must not tell which part was wrong"
            );
            assert_eq!(
                SecurityFault::of(&wrong),
                Some(SecurityFault::FailedAuthentication)
            );
            match envelope {
                EnvelopeVersion::Soap11 => assert!(matches!(wrong.code, FaultCode::Other(_))),
                EnvelopeVersion::Soap12 => assert_eq!(wrong.code, FaultCode::Sender),
            }
        }
        host.close().await.expect("close");
    }
}

#[tokio::test]
async fn a_token_created_too_long_ago_or_in_the_future_is_expired() {
    let envelope = EnvelopeVersion::Soap11;
    let validator = UsernameTokenValidator::new(users)
        .freshness(Duration::from_secs(60))
        .clock_skew(Duration::from_secs(30));
    let (host, url) = host(envelope, Some(validator)).await;
    for (offset, expect_ok) in [(-200i64, false), (-60, true), (20, true), (200, false)] {
        let layer = UsernameTokenLayer::new(UsernameCredentials::digest("alice", "secret"))
            .timestamp(None)
            .clock(move || shifted(offset));
        let proxy = open(builder(&url, envelope).layer(layer)).await;
        let r = who(&proxy, CallOptions::new()).await;
        if expect_ok {
            assert_eq!(r.expect("inside the window"), "Alice", "offset {offset}");
        } else {
            assert_eq!(
                security_fault(r),
                SecurityFault::MessageExpired,
                "offset {offset}"
            );
        }
    }
    host.close().await.expect("close");
}

#[tokio::test]
async fn an_expired_or_future_timestamp_is_refused() {
    let envelope = EnvelopeVersion::Soap12;
    let validator = UsernameTokenValidator::new(users)
        .require_token(false)
        .require_timestamp(true)
        .clock_skew(Duration::from_secs(30));
    let (host, url) = host(envelope, Some(validator)).await;
    // A 60 s timestamp made 10 minutes ago has expired; one made 10 minutes
    // ahead is from the future; one made now passes.
    for (offset, ttl, expect_ok) in [(-600i64, 60, false), (600, 60, false), (0, 60, true)] {
        let layer = UsernameTokenLayer::per_call()
            .timestamp(Some(Duration::from_secs(ttl)))
            .clock(move || shifted(offset));
        let proxy = open(builder(&url, envelope).layer(layer)).await;
        let r = who(&proxy, CallOptions::new()).await;
        if expect_ok {
            assert_eq!(r.expect("fresh timestamp"), "", "no token: no principal");
        } else {
            assert_eq!(
                security_fault(r),
                SecurityFault::MessageExpired,
                "offset {offset}"
            );
        }
    }
    // Required and missing.
    let proxy = open(builder(&url, envelope)).await;
    let r = who(&proxy, CallOptions::new()).await;
    assert_eq!(security_fault(r), SecurityFault::InvalidSecurity);
    host.close().await.expect("close");
}

/// Sends the first request's Security header again on every later request.
#[derive(Debug, Default)]
struct Replay(Mutex<Option<Header>>);

impl ProxyLayer for Replay {
    fn on_request(&self, _call: &CallInfo, request: &mut Message) -> Result<()> {
        let mut kept = self.0.lock().expect("lock");
        let Some(i) = request
            .headers
            .iter()
            .position(|h| h.name.namespace == ns::WSSE && h.name.local == "Security")
        else {
            return Ok(());
        };
        match &*kept {
            None => *kept = request.headers.get(i).cloned(),
            Some(first) => request.headers[i] = first.clone(),
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_replayed_nonce_is_refused() {
    let envelope = EnvelopeVersion::Soap11;
    let (host, url) = host(envelope, Some(UsernameTokenValidator::new(users))).await;
    for creds in [
        UsernameCredentials::digest("alice", "secret"),
        UsernameCredentials::text("alice", "secret"),
    ] {
        let proxy = open(
            builder(&url, envelope)
                .layer(UsernameTokenLayer::new(creds))
                .layer(Replay::default()),
        )
        .await;
        assert_eq!(
            who(&proxy, CallOptions::new()).await.expect("first"),
            "Alice"
        );
        let again = who(&proxy, CallOptions::new()).await;
        assert_eq!(security_fault(again), SecurityFault::FailedAuthentication);
    }
    host.close().await.expect("close");
}

#[tokio::test]
async fn without_the_layer_the_host_does_not_understand_the_security_header() {
    let envelope = EnvelopeVersion::Soap12;
    let (host, url) = host(envelope, None).await;
    let layer = UsernameTokenLayer::new(UsernameCredentials::digest("alice", "secret"));
    let proxy = open(builder(&url, envelope).layer(layer)).await;
    let f = fault_of(who(&proxy, CallOptions::new()).await);
    assert_eq!(f.code, FaultCode::MustUnderstand);
    host.close().await.expect("close");
}

#[test]
fn the_replay_cache_stays_bounded_under_100k_fresh_nonces() {
    // The cache itself: 100k fresh nonces, ten per millisecond, within one
    // freshness window (nothing leaves by age).
    let mut cache = ReplayCache::new(1000);
    let mut max = 0;
    for i in 0..100_000u32 {
        let nonce = [i.to_be_bytes(), *b"wws-"].concat();
        let created = 1_000_000 + i64::from(i / 10);
        let seen = cache.check_and_insert(&nonce, created, 0);
        assert!(matches!(seen, Seen::Fresh | Seen::TooOld), "{i}: {seen:?}");
        max = max.max(cache.len());
    }
    assert!(max <= 1000, "replay cache grew to {max}");
    // No nonce seen, evicted or kept, is accepted again.
    for i in [0u32, 1, 50_000, 98_999, 99_999] {
        let nonce = [i.to_be_bytes(), *b"wws-"].concat();
        let created = 1_000_000 + i64::from(i / 10);
        assert_ne!(
            cache.check_and_insert(&nonce, created, 0),
            Seen::Fresh,
            "nonce {i}"
        );
    }
}

#[test]
fn the_validator_s_replay_cache_stays_bounded_and_refuses_every_nonce_seen() {
    // Through the host layer's own checks (5,000 tokens: the XML reader is
    // slow in debug builds; the cache's bound is the one tested above).
    let start = SystemTime::now();
    let tick = Arc::new(Mutex::new(start));
    let clock = tick.clone();
    let validator = UsernameTokenValidator::new(users)
        .replay_capacity(100)
        .clock(move || *clock.lock().expect("lock"));
    let mut max = 0;
    let mut sent = Vec::new();
    for i in 0..5_000u32 {
        // A new second every ten tokens, all inside the window.
        let now = start + Duration::from_secs(u64::from(i / 10));
        *tick.lock().expect("lock") = now;
        let nonce = [i.to_be_bytes(), *b"wws-"].concat();
        let mut m = Message::from_body(
            EnvelopeVersion::Soap11,
            wws_core::AddressingVersion::Transport,
            ACTION,
            &WhoAmI {},
        )
        .expect("message");
        let xml = digest_header("alice", "secret", &nonce, &utc(now));
        m.headers
            .push(Header::from_xml(m.envelope, xml).expect("header"));
        let outcome = validator.validate(&m);
        assert!(
            matches!(outcome, Ok(Some(_)) | Err(SecurityFault::MessageExpired)),
            "{i}: {outcome:?}"
        );
        max = max.max(validator.replay_cache_len());
        if i % 500 == 0 || i == 4_999 {
            sent.push(m);
        }
    }
    assert!(max <= 100, "replay cache grew to {max}");
    for (k, m) in sent.iter().enumerate() {
        assert!(validator.validate(m).is_err(), "token {k} replayed");
    }
}

/// The system time `secs` seconds away.
fn shifted(secs: i64) -> SystemTime {
    let now = SystemTime::now();
    if secs >= 0 {
        now + Duration::from_secs(secs as u64)
    } else {
        now - Duration::from_secs(secs.unsigned_abs())
    }
}
