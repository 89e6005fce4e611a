//! Each call runs in a `wws.proxy.call` span carrying its call id and action.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use crate::support::{CalculatorServer, open_soap11};
use tracing::Subscriber;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use wws_examples::calculator::{ADD_ACTION, Add, AddResponse};
use wws_proxy::CallOptions;
use wws_proxy::ProxyProperties;

type Fields = HashMap<String, String>;

/// Records the fields of every `wws.proxy.call` span.
struct CallSpans(Arc<Mutex<Vec<Fields>>>);

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber> Layer<S> for CallSpans {
    fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() == "wws.proxy.call" {
            let mut fields = Fields::new();
            attrs.record(&mut Collect(&mut fields));
            self.0.lock().expect("spans").push(fields);
        }
    }
}

// Single-threaded, so the thread-local subscriber sees every span.
#[tokio::test]
async fn a_call_span_carries_the_call_id_and_action() {
    let spans = Arc::new(Mutex::new(Vec::new()));
    let _subscriber = tracing::subscriber::set_default(
        tracing_subscriber::registry().with(CallSpans(spans.clone())),
    );
    let server = CalculatorServer::start().await;
    let proxy = open_soap11(&server, ProxyProperties::default()).await;
    let call = proxy.call::<Add, AddResponse>(
        ADD_ACTION,
        &Add { a: 1.0, b: 2.0 },
        CallOptions::new().call_id(4711),
    );
    assert_eq!(call.await.expect("add").result, 3.0);

    let spans = spans.lock().expect("spans").clone();
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0].get("call_id").map(String::as_str), Some("4711"));
    assert_eq!(spans[0].get("action").map(String::as_str), Some(ADD_ACTION));
}
