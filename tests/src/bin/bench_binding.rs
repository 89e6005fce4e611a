//! XSD data binding benchmark: decode and encode of a nested message with
//! arrays (ONVIF GetCapabilities-sized) and of a 1 MiB array of structs,
//! with `#[derive(XmlType, BodyElement)]` beside quick-xml's serde on the
//! same structs, in the same run. Prints a table; asserts nothing. Run in
//! release: `cargo run --release -p wws-tests --bin bench_binding`.
//!
//! Both read the same document (the binding's own output: one default
//! namespace, no prefixes, which quick-xml's serde needs, as it knows no
//! namespaces) from bytes, UTF-8 check included, into the same value; both
//! write that value into a reused buffer. The binding checks namespaces,
//! every XSD lexical form and the reader quotas; serde does none of that.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use serde::{Deserialize, Serialize};
use wws_core::{BodyElement, XmlType};
use wws_tests::bench::Table;

/// Rounds per measurement; the median is reported.
const ROUNDS: usize = 5;
/// Target duration of one round.
const ROUND_TIME: Duration = Duration::from_millis(250);

const NS: &str = "http://www.onvif.org/ver10/schema";

// ---- a GetCapabilitiesResponse-shaped message ----

#[derive(XmlType, BodyElement, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "GetCapabilitiesResponse", rename_all = "PascalCase")]
#[serde(rename = "GetCapabilitiesResponse", rename_all = "PascalCase")]
struct CapabilitiesResponse {
    #[xml(skip)]
    #[serde(rename = "@xmlns")]
    xmlns: String,
    capabilities: Capabilities,
}

#[derive(XmlType, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
#[serde(rename_all = "PascalCase")]
struct Capabilities {
    analytics: Option<XAddr>,
    device: Option<Device>,
    events: Option<Events>,
    imaging: Option<XAddr>,
    media: Option<Media>,
    ptz: Option<XAddr>,
}

#[derive(XmlType, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
#[serde(rename_all = "PascalCase")]
struct XAddr {
    x_addr: String,
}

#[derive(XmlType, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
#[serde(rename_all = "PascalCase")]
struct Device {
    x_addr: String,
    network: Network,
    system: System,
}

#[derive(XmlType, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
#[serde(rename_all = "PascalCase")]
struct Network {
    ip_filter: bool,
    zero_configuration: bool,
    ip_version6: bool,
    dyn_dns: bool,
}

#[derive(XmlType, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
#[serde(rename_all = "PascalCase")]
struct System {
    discovery_resolve: bool,
    discovery_bye: bool,
    remote_discovery: bool,
    system_backup: bool,
    system_logging: bool,
    firmware_upgrade: bool,
    supported_versions: Vec<Version>,
}

#[derive(XmlType, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
#[serde(rename_all = "PascalCase")]
struct Version {
    major: i32,
    minor: i32,
}

#[derive(XmlType, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
#[serde(rename_all = "PascalCase")]
struct Events {
    x_addr: String,
    ws_subscription_policy_support: bool,
    ws_pull_point_support: bool,
    ws_pausable_subscription_manager_interface_support: bool,
}

#[derive(XmlType, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
#[serde(rename_all = "PascalCase")]
struct Media {
    x_addr: String,
    streaming_capabilities: Streaming,
    profile: Vec<Profile>,
}

#[derive(XmlType, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
#[serde(rename_all = "PascalCase")]
struct Streaming {
    rtp_multicast: bool,
    rtp_tcp: bool,
    rtp_rtsp_tcp: bool,
}

#[derive(XmlType, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
#[serde(rename_all = "PascalCase")]
struct Profile {
    #[xml(attribute, rename = "token")]
    #[serde(rename = "@token")]
    token: String,
    name: String,
    width: u32,
    height: u32,
    frame_rate: f64,
}

fn capabilities() -> CapabilitiesResponse {
    let base = "http://192.168.1.64/onvif";
    let xaddr = |s: &str| XAddr {
        x_addr: format!("{base}/{s}"),
    };
    CapabilitiesResponse {
        xmlns: NS.to_owned(),
        capabilities: Capabilities {
            analytics: Some(xaddr("Analytics")),
            device: Some(Device {
                x_addr: format!("{base}/device_service"),
                network: Network {
                    ip_filter: true,
                    zero_configuration: true,
                    ip_version6: false,
                    dyn_dns: true,
                },
                system: System {
                    discovery_resolve: false,
                    discovery_bye: true,
                    remote_discovery: false,
                    system_backup: false,
                    system_logging: true,
                    firmware_upgrade: true,
                    supported_versions: (0..6)
                        .map(|i| Version {
                            major: 2 + i,
                            minor: 10 * i,
                        })
                        .collect(),
                },
            }),
            events: Some(Events {
                x_addr: format!("{base}/Events"),
                ws_subscription_policy_support: true,
                ws_pull_point_support: true,
                ws_pausable_subscription_manager_interface_support: false,
            }),
            imaging: Some(xaddr("Imaging")),
            media: Some(Media {
                x_addr: format!("{base}/Media"),
                streaming_capabilities: Streaming {
                    rtp_multicast: true,
                    rtp_tcp: true,
                    rtp_rtsp_tcp: true,
                },
                profile: (0..4)
                    .map(|i| Profile {
                        token: format!("profile_{i}"),
                        name: format!("mainStream {i}"),
                        width: 1920 >> i,
                        height: 1080 >> i,
                        frame_rate: 25.0 / f64::from(i + 1),
                    })
                    .collect(),
            }),
            ptz: Some(xaddr("PTZ")),
        },
    }
}

// ---- a 1 MiB array of structs ----

#[derive(XmlType, BodyElement, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "Inventory", rename_all = "PascalCase")]
#[serde(rename = "Inventory", rename_all = "PascalCase")]
struct Inventory {
    #[xml(skip)]
    #[serde(rename = "@xmlns")]
    xmlns: String,
    item: Vec<Item>,
}

#[derive(XmlType, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
#[serde(rename_all = "PascalCase")]
struct Item {
    #[xml(attribute, rename = "id")]
    #[serde(rename = "@id")]
    id: u32,
    name: String,
    quantity: i64,
    price: f64,
    in_stock: bool,
    note: Option<String>,
}

fn inventory(bytes: usize) -> Inventory {
    let mut inv = Inventory {
        xmlns: NS.to_owned(),
        item: Vec::new(),
    };
    let mut written = 0;
    let mut i = 0u32;
    while written < bytes {
        let item = Item {
            id: i,
            name: format!("widget {i} & co"),
            quantity: i64::from(i) * 7 - 1000,
            price: f64::from(i % 1000) + 0.25,
            in_stock: i % 3 != 0,
            note: (i % 4 == 0).then(|| "fragile".to_owned()),
        };
        // An item's share of the document, close enough to size it.
        written += 110 + item.name.len();
        inv.item.push(item);
        i += 1;
    }
    inv
}

// ---- measurement ----

/// How many iterations of `op` fill one round.
fn calibrate(op: &mut dyn FnMut()) -> u64 {
    let mut iters = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..iters {
            op();
        }
        let took = start.elapsed();
        if took >= ROUND_TIME / 10 || iters >= 1 << 30 {
            let per = took.as_secs_f64() / iters as f64;
            return ((ROUND_TIME.as_secs_f64() / per.max(1e-9)) as u64).max(1);
        }
        iters *= 10;
    }
}

/// Median throughput (MB = 10^6 bytes per second over `len` bytes) of each
/// op; rounds alternate between the ops, so a busy machine slows both alike.
fn throughputs(len: usize, ops: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    let iters: Vec<u64> = ops.iter_mut().map(|op| calibrate(&mut **op)).collect();
    let mut rates = vec![Vec::with_capacity(ROUNDS); ops.len()];
    for _ in 0..ROUNDS {
        for ((op, &n), rates) in ops.iter_mut().zip(&iters).zip(&mut rates) {
            let start = Instant::now();
            for _ in 0..n {
                op();
            }
            rates.push((len as f64 * n as f64) / start.elapsed().as_secs_f64() / 1e6);
        }
    }
    rates
        .into_iter()
        .map(|mut r| {
            r.sort_by(|a, b| a.total_cmp(b));
            r.get(ROUNDS / 2).copied().unwrap_or(f64::NAN)
        })
        .collect()
}

/// Measures decode and encode of `value` both ways; adds two rows.
fn measure<T>(table: &mut Table, name: &str, value: &T)
where
    T: BodyElement + Serialize + for<'de> Deserialize<'de>,
{
    let mut buf = BytesMut::new();
    value.write_element(&mut buf).expect("the binding writes");
    let doc = buf.to_vec();
    // Both read the document into the same value.
    let ours = T::read_element(&doc).expect("the binding reads its output");
    let text = std::str::from_utf8(&doc).expect("utf-8");
    let theirs: T = quick_xml::de::from_str(text).expect("serde reads the binding's output");
    // Compared as written by the binding: the `xmlns` field is serde's alone.
    let written = |v: &T| {
        let mut out = BytesMut::new();
        v.write_element(&mut out).expect("writes");
        out
    };
    assert_eq!(
        written(&ours),
        written(&theirs),
        "both decode the same value"
    );
    let mut serde_out = String::with_capacity(doc.len() * 2);
    quick_xml::se::to_writer(&mut serde_out, value).expect("serde writes");

    let mut wws_decode = || {
        black_box(T::read_element(black_box(&doc)).expect("reads"));
    };
    let mut serde_decode = || {
        let text = std::str::from_utf8(black_box(&doc)).expect("utf-8");
        black_box(quick_xml::de::from_str::<T>(text).expect("reads"));
    };
    let mut out = BytesMut::with_capacity(doc.len() * 2);
    let mut wws_encode = || {
        out.clear();
        black_box(value).write_element(&mut out).expect("writes");
        black_box(&out);
    };
    let mut serde_text = String::with_capacity(doc.len() * 2);
    let mut serde_encode = || {
        serde_text.clear();
        quick_xml::se::to_writer(&mut serde_text, black_box(value)).expect("writes");
        black_box(&serde_text);
    };
    let rates = throughputs(
        doc.len(),
        &mut [
            &mut wws_decode,
            &mut serde_decode,
            &mut wws_encode,
            &mut serde_encode,
        ],
    );
    let row = |op: &str, ours: f64, theirs: f64| {
        vec![
            name.to_owned(),
            doc.len().to_string(),
            op.to_owned(),
            format!("{ours:.0}"),
            format!("{theirs:.0}"),
            format!("{:.2}", ours / theirs),
        ]
    };
    let (rd, sd, re, se) = (
        rates.first().copied().unwrap_or(f64::NAN),
        rates.get(1).copied().unwrap_or(f64::NAN),
        rates.get(2).copied().unwrap_or(f64::NAN),
        rates.get(3).copied().unwrap_or(f64::NAN),
    );
    table.row(&row("decode", rd, sd));
    table.row(&row("encode", re, se));
}

fn main() {
    let started = Instant::now();
    let mut table = Table::new(&[
        "message",
        ">bytes",
        "operation",
        ">wws MB/s",
        ">quick-xml serde MB/s",
        ">ratio",
    ]);
    measure(&mut table, "GetCapabilitiesResponse", &capabilities());
    measure(&mut table, "1 MiB array of structs", &inventory(1 << 20));
    print!("{}", table.render());
    println!();
    println!(
        "same structs (derive XmlType + serde), same document (the binding's output); ratio = wws / serde, above 1 is faster; \
         median of {ROUNDS} interleaved rounds of ~{} ms; total {:.1} s",
        ROUND_TIME.as_millis(),
        started.elapsed().as_secs_f64()
    );
}
