//! ONVIF device management (GetSystemDateAndTime, GetDeviceInformation,
//! GetCapabilities, GetNetworkInterfaces: enums, attributes, extension,
//! `xs:any`, `xs:anyAttribute`) served on loopback over SOAP 1.2, called by
//! the typed client (plain and with WS-Addressing) and by zeep from the
//! host's `?wsdl` (a WSDL written for this test with ONVIF's namespaces
//! and the covered subset of its types); results compared field by field.
//!
//! The types, client and service trait are the ones wws-build generates
//! from that subset WSDL (`onvif_device.wsdl`: Analytics, Imaging and PTZ
//! as an address and any content; IO, Security and the extensions as any
//! content; `wws_codegen_tests::onvif_subset`), so the host's `?wsdl`,
//! which zeep reads strictly, describes exactly what the service sends. The
//! types generated from the full published contract are served and called
//! over loopback in `codegen-tests/tests/onvif.rs`.

use std::collections::BTreeMap;
use std::sync::Arc;

use wws_core::operation::Reply;
use wws_core::xsd::{AnyUri, RawXml, Token, XmlAttribute};
use wws_core::{AddressingVersion, EnvelopeVersion, QName};
use wws_host::{Endpoint, OperationContext, ServiceHost};
use wws_proxy::ServiceProxy;

use crate::onvif::*;
use crate::support::within;
use crate::zeep;

const WSDL: &str = include_str!("onvif_device.wsdl");
const PATH: &str = "/onvif/device_service";
const HIK: &str = "urn:vendor:hik";

fn raw(xml: &str) -> RawXml {
    RawXml::parse(xml.to_owned()).expect("well-formed")
}

fn uri(s: &str) -> AnyUri {
    AnyUri(s.into())
}

/// A camera's answers.
pub(crate) struct Camera;

impl Camera {
    pub(crate) fn clock() -> SystemDateTime {
        let at = |hour| DateTime {
            time: Time {
                hour,
                minute: 4,
                second: 59,
            },
            date: Date {
                year: 2024,
                month: 2,
                day: 29,
            },
        };
        SystemDateTime {
            date_time_type: SetDateTimeType::Ntp,
            daylight_savings: false,
            time_zone: Some(TimeZone {
                tz: Token("CET-1CEST,M3.5.0,M10.5.0/3".into()),
            }),
            utc_date_time: Some(at(7)),
            local_date_time: Some(at(8)),
            extension: None,
            any_attribute: vec![XmlAttribute {
                name: QName::new(HIK, "since"),
                value: "2019".into(),
            }],
        }
    }

    fn information() -> GetDeviceInformationResponse {
        GetDeviceInformationResponse {
            manufacturer: "wws & co".into(),
            model: "Loopback-1 <test>".into(),
            firmware_version: "1.0.0 build 2026".into(),
            serial_number: "WWS0001".into(),
            hardware_id: "88".into(),
        }
    }

    pub(crate) fn capabilities(all: bool, media: bool) -> Capabilities {
        let base = "http://192.168.1.64/onvif";
        Capabilities {
            analytics: all.then(|| XaddrCapabilities {
                xaddr: uri(&format!("{base}/Analytics")),
                any: Vec::new(),
            }),
            device: all.then(|| DeviceCapabilities {
                xaddr: uri(&format!("{base}/device_service")),
                network: Some(NetworkCapabilities {
                    ip_filter: Some(true),
                    zero_configuration: Some(false),
                    ip_version6: Some(true),
                    dyn_dns: None,
                }),
                system: Some(SystemCapabilities {
                    discovery_resolve: false,
                    discovery_bye: true,
                    remote_discovery: false,
                    system_backup: false,
                    system_logging: true,
                    firmware_upgrade: true,
                    supported_versions: vec![
                        OnvifVersion {
                            major: 2,
                            minor: 60,
                        },
                        OnvifVersion {
                            major: 16,
                            minor: 12,
                        },
                    ],
                }),
                io: None,
                security: None,
                extension: None,
            }),
            events: all.then(|| EventCapabilities {
                xaddr: uri(&format!("{base}/Events")),
                ws_subscription_policy_support: true,
                ws_pull_point_support: true,
                ws_pausable_subscription_manager_interface_support: false,
                any: vec![raw(&format!(
                    r#"<hik:Extra xmlns:hik="{HIK}" a="1">x</hik:Extra>"#
                ))],
            }),
            imaging: all.then(|| XaddrCapabilities {
                xaddr: uri(&format!("{base}/Imaging")),
                any: Vec::new(),
            }),
            media: (all || media).then(|| MediaCapabilities {
                xaddr: uri(&format!("{base}/Media")),
                streaming_capabilities: RealTimeStreamingCapabilities {
                    rtp_multicast: Some(true),
                    rtp_tcp: Some(true),
                    rtp_rtsp_tcp: Some(false),
                },
                any: Vec::new(),
            }),
            ptz: None,
            extension: None,
            any_attribute: Vec::new(),
        }
    }

    pub(crate) fn interfaces() -> Vec<NetworkInterface> {
        let setting = |duplex| NetworkInterfaceConnectionSetting {
            auto_negotiation: true,
            speed: 100,
            duplex,
        };
        let address = |a: &str, prefix_length| PrefixedIpv4Address {
            address: Token(a.into()),
            prefix_length,
        };
        vec![
            NetworkInterface {
                base: DeviceEntity {
                    token: "eth0".into(),
                },
                enabled: true,
                info: Some(NetworkInterfaceInfo {
                    name: Some("eth0".into()),
                    hw_address: Token("c0:56:e3:aa:bb:cc".into()),
                    mtu: Some(1500),
                }),
                link: Some(NetworkInterfaceLink {
                    admin_settings: setting(Duplex::Full),
                    oper_settings: setting(Duplex::Half),
                    interface_type: 6,
                }),
                ipv4: Some(Ipv4NetworkInterface {
                    enabled: true,
                    config: Ipv4Configuration {
                        manual: vec![address("192.168.1.64", 24), address("10.0.0.64", 8)],
                        link_local: Some(address("169.254.1.2", 16)),
                        from_dhcp: None,
                        dhcp: false,
                        any: vec![raw(&format!(
                            r#"<hik:Gateway xmlns:hik="{HIK}">192.168.1.1</hik:Gateway>"#
                        ))],
                    },
                }),
                ipv6: None,
                extension: None,
                any_attribute: vec![XmlAttribute {
                    name: QName::new(HIK, "id"),
                    value: "1".into(),
                }],
            },
            NetworkInterface {
                base: DeviceEntity {
                    token: "wlan0".into(),
                },
                enabled: false,
                info: None,
                link: None,
                ipv4: None,
                ipv6: None,
                extension: None,
                any_attribute: Vec::new(),
            },
        ]
    }
}

impl DeviceService for Camera {
    async fn get_system_date_and_time(
        &self,
        _: &OperationContext,
        _: GetSystemDateAndTime,
    ) -> Reply<op::GetSystemDateAndTime> {
        Ok(GetSystemDateAndTimeResponse {
            system_date_and_time: Camera::clock(),
        })
    }

    async fn get_device_information(
        &self,
        _: &OperationContext,
        _: GetDeviceInformation,
    ) -> Reply<op::GetDeviceInformation> {
        Ok(Camera::information())
    }

    async fn get_capabilities(
        &self,
        _: &OperationContext,
        r: GetCapabilities,
    ) -> Reply<op::GetCapabilities> {
        let all = r.category.is_empty() || r.category.contains(&CapabilityCategory::All);
        let media = r.category.contains(&CapabilityCategory::Media);
        Ok(GetCapabilitiesResponse {
            capabilities: Camera::capabilities(all, media),
        })
    }

    async fn get_network_interfaces(
        &self,
        _: &OperationContext,
        _: GetNetworkInterfaces,
    ) -> Reply<op::GetNetworkInterfaces> {
        Ok(GetNetworkInterfacesResponse {
            network_interfaces: Camera::interfaces(),
        })
    }
}

async fn serve() -> (ServiceHost, String) {
    let host = ServiceHost::new("127.0.0.1:0".parse().expect("addr"));
    let contract = Arc::new(Camera).into_contract();
    host.add_endpoint(
        Endpoint::new(
            PATH,
            EnvelopeVersion::Soap12,
            AddressingVersion::Transport,
            contract,
        )
        .with_wsdl(WSDL),
    )
    .expect("endpoint");
    host.open().await.expect("open");
    let url = format!("http://{}{PATH}", host.local_addr().expect("bound"));
    (host, url)
}

#[tokio::test]
async fn the_typed_client_reads_every_field_plain_and_with_ws_addressing() {
    let (host, url) = serve().await;
    for addressing in [
        AddressingVersion::Transport,
        AddressingVersion::WsAddressing10,
    ] {
        let proxy = ServiceProxy::builder(&url)
            .envelope(EnvelopeVersion::Soap12)
            .addressing(addressing)
            .build()
            .expect("proxy");
        proxy.open().await.expect("open");
        let c = DeviceClient::new(proxy);
        let clock = c.get_system_date_and_time(&GetSystemDateAndTime {});
        let info = c.get_device_information(&GetDeviceInformation {});
        let all = c.get_capabilities(&GetCapabilities {
            category: vec![CapabilityCategory::All],
        });
        let media = c.get_capabilities(&GetCapabilities {
            category: vec![CapabilityCategory::Media],
        });
        let nics = c.get_network_interfaces(&GetNetworkInterfaces {});

        let clock = within("clock", clock)
            .await
            .expect("clock")
            .system_date_and_time;
        assert_eq!(clock.date_time_type, SetDateTimeType::Ntp);
        assert_eq!(clock.time_zone, Camera::clock().time_zone);
        assert_eq!(clock.utc_date_time, Camera::clock().utc_date_time);
        assert_eq!(clock.local_date_time.as_ref().map(|l| l.time.hour), Some(8));
        assert_eq!(clock.any_attribute, Camera::clock().any_attribute);
        assert_eq!(clock, Camera::clock());

        assert_eq!(
            within("info", info).await.expect("info"),
            Camera::information()
        );

        let all = within("all", all).await.expect("all").capabilities;
        let want = Camera::capabilities(true, false);
        assert_eq!(all.device, want.device);
        assert_eq!(all.events, want.events);
        assert_eq!(
            all.events.as_ref().map(|e| e.any[0].name().expect("name")),
            Some(QName::new(HIK, "Extra"))
        );
        assert_eq!(all.media, want.media);
        assert_eq!(all, want);
        let media = within("media", media).await.expect("media").capabilities;
        assert_eq!(media, Camera::capabilities(false, true));
        assert!(media.device.is_none() && media.media.is_some());

        let nics = within("nics", nics).await.expect("nics").network_interfaces;
        let want = Camera::interfaces();
        assert_eq!(nics.len(), 2);
        assert_eq!(nics[0].base.token, "eth0");
        assert_eq!(nics[0].link, want[0].link);
        assert_eq!(nics[0].ipv4, want[0].ipv4);
        assert_eq!(nics[0].any_attribute, want[0].any_attribute);
        assert_eq!(nics, want);
    }
    host.abort();
}

/// Asserts that every `want` leaf is in `got` with that value.
fn assert_leaves(got: &BTreeMap<String, String>, want: &[(String, String)]) {
    for (k, v) in want {
        assert_eq!(got.get(k), Some(v), "{k}; zeep read {got:#?}");
    }
}

fn leaf(k: impl Into<String>, v: impl ToString) -> (String, String) {
    (k.into(), v.to_string())
}

#[tokio::test]
async fn zeep_reads_the_same_values_from_the_hosts_wsdl() {
    let (host, url) = serve().await;
    let wsdl = format!("{url}?wsdl");
    let call = |op: &'static str, args: &'static str| {
        let wsdl = wsdl.clone();
        async move { zeep::call(&wsdl, "DeviceService", "DevicePort", op, args).await }
    };
    let Some(clock) = call("GetSystemDateAndTime", "{}").await else {
        return;
    };
    let clock = clock.result();
    let c = Camera::clock();
    let utc = c.utc_date_time.as_ref().expect("utc");
    assert_leaves(
        &clock,
        &[
            leaf("result.DateTimeType", "NTP"),
            leaf("result.DaylightSavings", c.daylight_savings),
            leaf(
                "result.TimeZone.TZ",
                &c.time_zone.as_ref().expect("tz").tz.0,
            ),
            leaf("result.UTCDateTime.Time.Hour", utc.time.hour),
            leaf("result.UTCDateTime.Time.Minute", utc.time.minute),
            leaf("result.UTCDateTime.Time.Second", utc.time.second),
            leaf("result.UTCDateTime.Date.Year", utc.date.year),
            leaf("result.UTCDateTime.Date.Month", utc.date.month),
            leaf("result.UTCDateTime.Date.Day", utc.date.day),
            leaf("result.LocalDateTime.Time.Hour", 8),
            leaf(format!("result._attr_1.{{{HIK}}}since"), "2019"),
        ],
    );

    let info = call("GetDeviceInformation", "{}")
        .await
        .expect("zeep")
        .result();
    let i = Camera::information();
    assert_leaves(
        &info,
        &[
            leaf("result.Manufacturer", &i.manufacturer),
            leaf("result.Model", &i.model),
            leaf("result.FirmwareVersion", &i.firmware_version),
            leaf("result.SerialNumber", &i.serial_number),
            leaf("result.HardwareId", &i.hardware_id),
        ],
    );

    let caps = call("GetCapabilities", r#"{"Category": ["All"]}"#)
        .await
        .expect("zeep")
        .result();
    let want = Camera::capabilities(true, false);
    let d = want.device.as_ref().expect("device");
    let sys = d.system.as_ref().expect("system");
    let e = want.events.as_ref().expect("events");
    let m = want.media.as_ref().expect("media");
    let mut leaves = vec![
        leaf(
            "result.Analytics.XAddr",
            &want.analytics.as_ref().expect("analytics").xaddr.0,
        ),
        leaf("result.Device.XAddr", &d.xaddr.0),
        leaf("result.Device.Network.IPFilter", true),
        leaf("result.Device.Network.ZeroConfiguration", false),
        leaf("result.Device.Network.IPVersion6", true),
        leaf("result.Device.Network.DynDNS", "None"),
        leaf(
            "result.Device.System.DiscoveryResolve",
            sys.discovery_resolve,
        ),
        leaf("result.Device.System.DiscoveryBye", sys.discovery_bye),
        leaf("result.Device.System.RemoteDiscovery", sys.remote_discovery),
        leaf("result.Device.System.SystemBackup", sys.system_backup),
        leaf("result.Device.System.SystemLogging", sys.system_logging),
        leaf("result.Device.System.FirmwareUpgrade", sys.firmware_upgrade),
        leaf("result.Events.XAddr", &e.xaddr.0),
        leaf(
            "result.Events.WSSubscriptionPolicySupport",
            e.ws_subscription_policy_support,
        ),
        leaf("result.Events.WSPullPointSupport", e.ws_pull_point_support),
        leaf(
            "result.Events.WSPausableSubscriptionManagerInterfaceSupport",
            e.ws_pausable_subscription_manager_interface_support,
        ),
        leaf(
            "result.Imaging.XAddr",
            &want.imaging.as_ref().expect("imaging").xaddr.0,
        ),
        leaf("result.Media.XAddr", &m.xaddr.0),
        leaf("result.Media.StreamingCapabilities.RTPMulticast", true),
        leaf("result.Media.StreamingCapabilities.RTP_TCP", true),
        leaf("result.Media.StreamingCapabilities.RTP_RTSP_TCP", false),
        leaf("result.PTZ", "None"),
    ];
    for (n, v) in sys.supported_versions.iter().enumerate() {
        leaves.push(leaf(
            format!("result.Device.System.SupportedVersions[{n}].Major"),
            v.major,
        ));
        leaves.push(leaf(
            format!("result.Device.System.SupportedVersions[{n}].Minor"),
            v.minor,
        ));
    }
    assert_leaves(&caps, &leaves);
    // The vendor element under xs:any reaches zeep whole.
    let extra = caps
        .get("result.Events._value_1[0]")
        .expect("xs:any content");
    assert!(
        extra.contains("Extra") && extra.contains(HIK) && extra.contains(">x<"),
        "{extra}"
    );

    let media = call("GetCapabilities", r#"{"Category": ["Media"]}"#)
        .await
        .expect("zeep")
        .result();
    assert_leaves(
        &media,
        &[
            leaf("result.Device", "None"),
            leaf("result.Media.XAddr", &m.xaddr.0),
        ],
    );

    let nics = call("GetNetworkInterfaces", "{}")
        .await
        .expect("zeep")
        .result();
    let want = Camera::interfaces();
    let eth = &want[0];
    let info = eth.info.as_ref().expect("info");
    let link = eth.link.as_ref().expect("link");
    let cfg = &eth.ipv4.as_ref().expect("ipv4").config;
    // One NetworkInterfaces child: zeep unwraps the result into a list.
    let mut leaves = vec![
        leaf("result[0].token", &eth.base.token),
        leaf("result[0].Enabled", eth.enabled),
        leaf(
            "result[0].Info.Name",
            info.name.as_deref().unwrap_or_default(),
        ),
        leaf("result[0].Info.HwAddress", &info.hw_address.0),
        leaf("result[0].Info.MTU", info.mtu.unwrap_or_default()),
        leaf("result[0].Link.AdminSettings.Duplex", "Full"),
        leaf("result[0].Link.OperSettings.Duplex", "Half"),
        leaf(
            "result[0].Link.AdminSettings.Speed",
            link.admin_settings.speed,
        ),
        leaf("result[0].Link.InterfaceType", link.interface_type),
        leaf("result[0].IPv4.Enabled", true),
        leaf("result[0].IPv4.Config.DHCP", cfg.dhcp),
        leaf(
            "result[0].IPv4.Config.LinkLocal.Address",
            &cfg.link_local.as_ref().expect("ll").address.0,
        ),
        leaf("result[0].IPv4.Config.FromDHCP", "None"),
        leaf(format!("result[0]._attr_1.{{{HIK}}}id"), "1"),
        leaf("result[1].token", "wlan0"),
        leaf("result[1].Enabled", false),
        leaf("result[1].Info", "None"),
    ];
    for (n, a) in cfg.manual.iter().enumerate() {
        leaves.push(leaf(
            format!("result[0].IPv4.Config.Manual[{n}].Address"),
            &a.address.0,
        ));
        leaves.push(leaf(
            format!("result[0].IPv4.Config.Manual[{n}].PrefixLength"),
            a.prefix_length,
        ));
    }
    assert_leaves(&nics, &leaves);
    let gateway = nics
        .get("result[0].IPv4.Config._value_1[0]")
        .expect("xs:any content");
    assert!(
        gateway.contains("Gateway") && gateway.contains("192.168.1.1"),
        "{gateway}"
    );
    host.abort();
}
