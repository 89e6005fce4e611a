//! ONVIF device management (SOAP 1.2): GetSystemDateAndTime,
//! GetDeviceInformation, GetCapabilities, GetNetworkInterfaces, plus
//! GetDynamicDNS (`xs:duration`) and CreateCertificate (`xs:dateTime`,
//! `xs:base64Binary`) — enums, attributes, extension (`DeviceEntity`
//! flattened), `xs:any`/`xs:anyAttribute`, vendor additions — decoded from
//! responses as a camera sends them and encoded back.
//!
//! Every test reads and writes generated types. Five use the types wws-build
//! generates from the published contract (`wws_codegen_tests::onvif`, cfg
//! `wws_corpus`; without `../shared/wsdl/` they are left out and
//! `corpus_skipped` says SKIPPED). `get_capabilities` and `onvif_service`
//! use the types generated from the project's own subset WSDL
//! (`onvif_device.wsdl`, `wws_codegen_tests::onvif_subset`): its camera
//! answer has a `tt:Security` the full schema refuses (see there), and
//! zeep reads that subset WSDL from the host.

use wws_core::xsd::Token;
use wws_core::{BodyElement, Message, ReaderQuotas};

/// ONVIF's schema namespace.
pub const TT: &str = "http://www.onvif.org/ver10/schema";

/// The types, client and service trait wws-build generates from the
/// project's ONVIF subset WSDL (`onvif_device.wsdl`), which `onvif_service`
/// hosts and zeep reads.
pub use wws_codegen_tests::onvif_subset::*;

fn body<T: BodyElement>(envelope: &str) -> T {
    let m = Message::read(envelope.as_bytes(), &ReaderQuotas::default()).expect("envelope");
    m.read_body::<T>().unwrap_or_else(|e| panic!("{e}"))
}

/// A camera's envelope: SOAP 1.2 with the usual pile of declarations on it.
fn camera(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:SOAP-ENC="http://www.w3.org/2003/05/soap-encoding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:wsa5="http://www.w3.org/2005/08/addressing" xmlns:xmime="http://www.w3.org/2005/05/xmlmime" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:hik="urn:vendor:hik"><SOAP-ENV:Header></SOAP-ENV:Header><SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>"#
    )
}

/// Decodes, checks, encodes as SOAP 1.2 and decodes again.
fn both_ways<T: BodyElement + PartialEq + std::fmt::Debug>(v: &T) {
    let m = Message::from_body(
        wws_core::EnvelopeVersion::Soap12,
        wws_core::AddressingVersion::WsAddressing10,
        "urn:a",
        v,
    )
    .expect("writes");
    let wire = m.to_bytes().expect("writes");
    let back: T = body(&String::from_utf8_lossy(&wire));
    assert_eq!(&back, v, "{}", String::from_utf8_lossy(&wire));
}

#[cfg(wws_corpus)]
#[test]
fn get_system_date_and_time() {
    // The generated types (wws-codegen-tests, from the published contract).
    use wws_codegen_tests::onvif::{
        GetSystemDateAndTime, GetSystemDateAndTimeResponse, SetDateTimeType,
    };
    use wws_core::xsd::{DateTime, SimpleType};
    let xml = camera(
        r#"<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime hik:since="2019"><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>  CST-8  </tt:TZ></tt:TimeZone><tt:UTCDateTime><tt:Time><tt:Hour>7</tt:Hour><tt:Minute>4</tt:Minute><tt:Second>59</tt:Second></tt:Time><tt:Date><tt:Year>2024</tt:Year><tt:Month>2</tt:Month><tt:Day>29</tt:Day></tt:Date></tt:UTCDateTime><tt:LocalDateTime><tt:Time><tt:Hour>15</tt:Hour><tt:Minute>4</tt:Minute><tt:Second>59</tt:Second></tt:Time><tt:Date><tt:Year>2024</tt:Year><tt:Month>2</tt:Month><tt:Day>29</tt:Day></tt:Date></tt:LocalDateTime><tt:Extension><tt:Future>1</tt:Future></tt:Extension></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"#,
    );
    let got: GetSystemDateAndTimeResponse = body(&xml);
    let s = &got.system_date_and_time;
    assert_eq!(s.date_time_type, SetDateTimeType::Ntp);
    assert!(!s.daylight_savings);
    assert_eq!(s.time_zone.as_ref().map(|t| t.tz.0.as_str()), Some("CST-8"));
    let utc = s.utc_date_time.as_ref().expect("utc");
    assert_eq!((utc.date.year, utc.date.month, utc.date.day), (2024, 2, 29));
    assert_eq!(
        (utc.time.hour, utc.time.minute, utc.time.second),
        (7, 4, 59)
    );
    assert_eq!(s.local_date_time.as_ref().map(|l| l.time.hour), Some(15));
    // The Extension element is kept: its one (unknown) child.
    assert_eq!(
        s.extension
            .as_ref()
            .and_then(|e| e.any.first())
            .and_then(|e| e.name().ok())
            .map(|q| q.local),
        Some("Future".into())
    );
    assert_eq!(s.any_attribute.len(), 1);
    assert_eq!(
        s.any_attribute[0].name,
        wws_core::QName::new("urn:vendor:hik", "since")
    );
    // As an xs:dateTime (the shape newer ONVIF services use).
    let as_xsd = DateTime::parse(&format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        utc.date.year,
        utc.date.month,
        utc.date.day,
        utc.time.hour,
        utc.time.minute,
        utc.time.second
    ))
    .expect("valid");
    assert_eq!(as_xsd.to_unix().0, 1_709_190_299);
    both_ways(&got);
    assert_eq!(
        crate::support::to_xml(&GetSystemDateAndTime {}),
        r#"<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"></GetSystemDateAndTime>"#
    );
}

#[cfg(wws_corpus)]
#[test]
fn get_device_information() {
    // The generated types (wws-codegen-tests, from the published contract).
    use wws_codegen_tests::onvif::{GetDeviceInformation, GetDeviceInformationResponse};
    let xml = camera(
        r#"<tds:GetDeviceInformationResponse><tds:Manufacturer>HIKVISION</tds:Manufacturer><tds:Model>DS-2CD2043G0-I</tds:Model><tds:FirmwareVersion>V5.6.3 build 190923</tds:FirmwareVersion><tds:SerialNumber>DS-2CD2043G0-I20191020AAWRD12345678</tds:SerialNumber><tds:HardwareId>88</tds:HardwareId></tds:GetDeviceInformationResponse>"#,
    );
    let got: GetDeviceInformationResponse = body(&xml);
    assert_eq!(
        got,
        GetDeviceInformationResponse {
            manufacturer: "HIKVISION".into(),
            model: "DS-2CD2043G0-I".into(),
            firmware_version: "V5.6.3 build 190923".into(),
            serial_number: "DS-2CD2043G0-I20191020AAWRD12345678".into(),
            hardware_id: "88".into(),
        }
    );
    both_ways(&got);
    assert_eq!(
        crate::support::to_xml(&GetDeviceInformation {}),
        r#"<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"></GetDeviceInformation>"#
    );
}

// On the subset contract's generated types: the camera's answer (the
// test's input) has a tt:Security of three elements, where ONVIF's schema,
// and so the tt:SecurityCapabilities generated from it, requires eight
// (AccessPolicyConfig, X.509Token, SAMLToken, KerberosToken, RELToken too):
// the full contract's type refuses it, naming the missing element
// (`full_contract_refuses_the_cameras_incomplete_security`); the subset's
// keeps IO, Security and the extensions as any content.
#[test]
fn get_capabilities() {
    let req = GetCapabilities {
        category: vec![CapabilityCategory::All],
    };
    assert_eq!(
        crate::support::to_xml(&req),
        r#"<GetCapabilities xmlns="http://www.onvif.org/ver10/device/wsdl"><Category>All</Category></GetCapabilities>"#
    );
    let xml = camera(
        r#"<tds:GetCapabilitiesResponse><tds:Capabilities>
<tt:Analytics><tt:XAddr>http://192.168.1.64/onvif/Analytics</tt:XAddr><tt:RuleSupport>true</tt:RuleSupport><tt:AnalyticsModuleSupport>true</tt:AnalyticsModuleSupport></tt:Analytics>
<tt:Device><tt:XAddr>http://192.168.1.64/onvif/device_service</tt:XAddr>
<tt:Network><tt:IPFilter>true</tt:IPFilter><tt:ZeroConfiguration>true</tt:ZeroConfiguration><tt:IPVersion6>true</tt:IPVersion6><tt:DynDNS>true</tt:DynDNS><tt:Extension><tt:Dot11Configuration>false</tt:Dot11Configuration></tt:Extension></tt:Network>
<tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve><tt:DiscoveryBye>true</tt:DiscoveryBye><tt:RemoteDiscovery>false</tt:RemoteDiscovery><tt:SystemBackup>false</tt:SystemBackup><tt:SystemLogging>true</tt:SystemLogging><tt:FirmwareUpgrade>true</tt:FirmwareUpgrade><tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tt:SupportedVersions><tt:SupportedVersions><tt:Major>16</tt:Major><tt:Minor>12</tt:Minor></tt:SupportedVersions></tt:System>
<tt:IO><tt:InputConnectors>1</tt:InputConnectors><tt:RelayOutputs>1</tt:RelayOutputs></tt:IO>
<tt:Security><tt:TLS1.1>true</tt:TLS1.1><tt:TLS1.2>true</tt:TLS1.2><tt:OnboardKeyGeneration>false</tt:OnboardKeyGeneration></tt:Security></tt:Device>
<tt:Events><tt:XAddr>http://192.168.1.64/onvif/Events</tt:XAddr><tt:WSSubscriptionPolicySupport>true</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>true</tt:WSPullPointSupport><tt:WSPausableSubscriptionManagerInterfaceSupport>false</tt:WSPausableSubscriptionManagerInterfaceSupport><hik:Extra a="1">x</hik:Extra></tt:Events>
<tt:Imaging><tt:XAddr>http://192.168.1.64/onvif/Imaging</tt:XAddr></tt:Imaging>
<tt:Media><tt:XAddr>http://192.168.1.64/onvif/Media</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>true</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities><tt:Extension><tt:ProfileCapabilities><tt:MaximumNumberOfProfiles>10</tt:MaximumNumberOfProfiles></tt:ProfileCapabilities></tt:Extension></tt:Media>
<tt:Extension><hik:hikCapabilities><hik:XAddr>http://192.168.1.64/onvif/hik_ext</hik:XAddr></hik:hikCapabilities></tt:Extension>
</tds:Capabilities></tds:GetCapabilitiesResponse>"#,
    );
    let got: GetCapabilitiesResponse = body(&xml);
    let c = &got.capabilities;
    let analytics = c.analytics.as_ref().expect("analytics");
    assert_eq!(analytics.xaddr.0, "http://192.168.1.64/onvif/Analytics");
    // RuleSupport and AnalyticsModuleSupport: the subset's any content.
    assert_eq!(analytics.any.len(), 2);
    let d = c.device.as_ref().expect("device");
    assert_eq!(d.xaddr.0, "http://192.168.1.64/onvif/device_service");
    let n = d.network.as_ref().expect("network");
    assert_eq!(
        (n.ip_filter, n.zero_configuration, n.ip_version6, n.dyn_dns),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let s = d.system.as_ref().expect("system");
    assert_eq!(
        (
            s.discovery_bye,
            s.system_logging,
            s.firmware_upgrade,
            s.remote_discovery
        ),
        (true, true, true, false)
    );
    assert_eq!(
        s.supported_versions,
        vec![
            OnvifVersion {
                major: 2,
                minor: 60
            },
            OnvifVersion {
                major: 16,
                minor: 12
            }
        ]
    );
    assert_eq!(d.io.as_ref().map(|io| io.any.len()), Some(2));
    assert_eq!(d.security.as_ref().map(|s| s.any.len()), Some(3));
    let e = c.events.as_ref().expect("events");
    assert!(e.ws_pull_point_support && !e.ws_pausable_subscription_manager_interface_support);
    assert_eq!(e.any.len(), 1);
    assert_eq!(
        e.any[0].name().expect("name"),
        wws_core::QName::new("urn:vendor:hik", "Extra")
    );
    let m = c.media.as_ref().expect("media");
    assert_eq!(m.streaming_capabilities.rtp_rtsp_tcp, Some(true));
    // The Media extension is not `##other`, but an unnamed element ends up in xs:any (lax).
    assert_eq!(m.any.len(), 1);
    assert_eq!(c.ptz, None);
    let extension = c.extension.as_ref().expect("extension");
    assert_eq!(extension.any.len(), 1);
    assert!(extension.any[0].as_str().contains("hik_ext"));
    both_ways(&got);
}

/// The same camera answer read by the type generated from the published
/// contract: its tt:Security lacks five of the eight elements the schema
/// requires, and the reader says which, rather than inventing `false`.
#[cfg(wws_corpus)]
#[test]
fn full_contract_refuses_the_cameras_incomplete_security() {
    let security = r#"<tt:Security><tt:TLS1.1>true</tt:TLS1.1><tt:TLS1.2>true</tt:TLS1.2><tt:OnboardKeyGeneration>false</tt:OnboardKeyGeneration></tt:Security>"#;
    let xml = camera(&format!(
        r#"<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>http://192.168.1.64/onvif/device_service</tt:XAddr>{security}</tt:Device></tds:Capabilities></tds:GetCapabilitiesResponse>"#
    ));
    let m = Message::read(xml.as_bytes(), &ReaderQuotas::default()).expect("envelope");
    let err = m
        .read_body::<wws_codegen_tests::onvif::GetCapabilitiesResponse>()
        .expect_err("AccessPolicyConfig and four more are required");
    assert!(err.to_string().contains("AccessPolicyConfig"), "{err}");
    // With every flag the schema requires, the same type reads it.
    let whole = security.replace(
        "</tt:Security>",
        "<tt:AccessPolicyConfig>false</tt:AccessPolicyConfig><tt:X.509Token>false</tt:X.509Token><tt:SAMLToken>false</tt:SAMLToken><tt:KerberosToken>false</tt:KerberosToken><tt:RELToken>false</tt:RELToken></tt:Security>",
    );
    let xml = xml.replace(security, &whole);
    let got: wws_codegen_tests::onvif::GetCapabilitiesResponse = body(&xml);
    let device = got.capabilities.device.expect("device");
    let security = device.security.expect("security");
    assert!(security.tls1_1 && security.tls1_2 && !security.access_policy_config);
}

#[cfg(wws_corpus)]
#[test]
fn get_network_interfaces() {
    // The generated types (wws-codegen-tests, from the published contract).
    use wws_codegen_tests::onvif::{
        Duplex, GetNetworkInterfaces, GetNetworkInterfacesResponse, PrefixedIpv4Address,
    };
    let xml = camera(
        r#"<tds:GetNetworkInterfacesResponse><tds:NetworkInterfaces token="eth0" hik:id="1"><tt:Enabled>true</tt:Enabled><tt:Info><tt:Name>eth0</tt:Name><tt:HwAddress>c0:56:e3:aa:bb:cc</tt:HwAddress><tt:MTU>1500</tt:MTU></tt:Info><tt:Link><tt:AdminSettings><tt:AutoNegotiation>true</tt:AutoNegotiation><tt:Speed>100</tt:Speed><tt:Duplex>Full</tt:Duplex></tt:AdminSettings><tt:OperSettings><tt:AutoNegotiation>true</tt:AutoNegotiation><tt:Speed>100</tt:Speed><tt:Duplex>Quarter</tt:Duplex></tt:OperSettings><tt:InterfaceType>6</tt:InterfaceType></tt:Link><tt:IPv4><tt:Enabled>true</tt:Enabled><tt:Config><tt:Manual><tt:Address>192.168.1.64</tt:Address><tt:PrefixLength>24</tt:PrefixLength></tt:Manual><tt:LinkLocal><tt:Address>169.254.1.2</tt:Address><tt:PrefixLength>16</tt:PrefixLength></tt:LinkLocal><tt:DHCP>false</tt:DHCP><hik:Gateway>192.168.1.1</hik:Gateway></tt:Config></tt:IPv4><tt:IPv6><tt:Enabled>false</tt:Enabled></tt:IPv6></tds:NetworkInterfaces><tds:NetworkInterfaces token="wlan0"><tt:Enabled>false</tt:Enabled></tds:NetworkInterfaces></tds:GetNetworkInterfacesResponse>"#,
    );
    let got: GetNetworkInterfacesResponse = body(&xml);
    let [eth, wlan] = got.network_interfaces.as_slice() else {
        panic!("two interfaces")
    };
    assert_eq!(eth.base.token, "eth0");
    assert!(eth.enabled && !wlan.enabled);
    assert_eq!(wlan.base.token, "wlan0");
    let info = eth.info.as_ref().expect("info");
    assert_eq!(
        (info.name.as_deref(), info.hw_address.0.as_str(), info.mtu),
        (Some("eth0"), "c0:56:e3:aa:bb:cc", Some(1500))
    );
    let link = eth.link.as_ref().expect("link");
    assert_eq!(link.admin_settings.duplex, Duplex::Full);
    assert_eq!(link.oper_settings.duplex, Duplex::Other("Quarter".into()));
    assert_eq!(link.interface_type, 6);
    let cfg = &eth.ipv4.as_ref().expect("ipv4").config;
    assert_eq!(
        cfg.manual,
        vec![PrefixedIpv4Address {
            address: Token("192.168.1.64".into()),
            prefix_length: 24
        }]
    );
    assert_eq!(cfg.link_local.as_ref().map(|l| l.prefix_length), Some(16));
    assert_eq!((cfg.from_dhcp.as_ref(), cfg.dhcp), (None, false));
    assert_eq!(cfg.any.len(), 1);
    assert!(eth.ipv6.is_some());
    assert_eq!(eth.any_attribute.len(), 1);
    both_ways(&got);
    // The base's attribute and the derived elements are written in order, the vendor attribute kept.
    let written = crate::support::to_xml(&got);
    assert!(
        written.contains(
            r#"<hik:Gateway xmlns="" xmlns:hik="urn:vendor:hik">192.168.1.1</hik:Gateway>"#
        ),
        "{written}"
    );
    // IPv6 is a typed tt:IPv6NetworkInterface (no longer raw XML): written in tt's prefix.
    assert!(
        written.contains(r#"<ns1:IPv6><ns1:Enabled>false</ns1:Enabled></ns1:IPv6>"#),
        "{written}"
    );
    assert_eq!(
        crate::support::to_xml(&GetNetworkInterfaces {}),
        r#"<GetNetworkInterfaces xmlns="http://www.onvif.org/ver10/device/wsdl"></GetNetworkInterfaces>"#
    );
    assert!(written.contains(r#"<NetworkInterfaces token="eth0" xmlns:ns0="urn:vendor:hik" ns0:id="1" xmlns:ns1="http://www.onvif.org/ver10/schema"><ns1:Enabled>true</ns1:Enabled>"#), "{written}");
}

#[cfg(wws_corpus)]
#[test]
fn dynamic_dns_duration_and_certificate_datetime_base64() {
    // The generated types (wws-codegen-tests, from the published contract).
    use wws_codegen_tests::onvif::{
        CreateCertificate, CreateCertificateResponse, DynamicDnsType, GetDynamicDnsResponse,
    };
    use wws_core::xsd::{DateTime, SimpleType};
    let xml = camera(
        r#"<tds:GetDynamicDNSResponse><tds:DynamicDNSInformation><tt:Type>ClientUpdates</tt:Type><tt:Name>cam1.example.org</tt:Name><tt:TTL>PT1H30M</tt:TTL></tds:DynamicDNSInformation></tds:GetDynamicDNSResponse>"#,
    );
    let got: GetDynamicDnsResponse = body(&xml);
    assert_eq!(
        got.dynamic_dns_information.type_,
        DynamicDnsType::ClientUpdates
    );
    assert_eq!(
        got.dynamic_dns_information.ttl.and_then(|d| d.to_std()),
        Some(std::time::Duration::from_secs(5400))
    );
    both_ways(&got);

    let req = CreateCertificate {
        certificate_id: Some(Token("cert-1".into())),
        subject: Some("CN=camera".into()),
        valid_not_before: Some(DateTime::parse("2024-01-01T00:00:00Z").expect("dt")),
        valid_not_after: Some(DateTime::parse("2034-01-01T00:00:00.250+01:00").expect("dt")),
    };
    let written = crate::support::to_xml(&req);
    assert!(
        written.contains("<ValidNotAfter>2034-01-01T00:00:00.25+01:00</ValidNotAfter>"),
        "{written}"
    );
    both_ways(&req);

    let xml = camera(
        r#"<tds:CreateCertificateResponse><tds:NvtCertificate><tt:CertificateID>cert-1</tt:CertificateID><tt:Certificate xmime:contentType="application/pkix-cert"><tt:Data>MIIBszCCAV2gAwIBAgIJ
AKk8Ha1JxL0TMA0GCSqGSIb3DQEBCwUAMBQx
EjAQBgNVBAMMCWxvY2FsaG9zdA==</tt:Data></tt:Certificate></tds:NvtCertificate></tds:CreateCertificateResponse>"#,
    );
    let got: CreateCertificateResponse = body(&xml);
    let cert = &got.nvt_certificate;
    assert_eq!(cert.certificate_id.0, "cert-1");
    assert_eq!(
        cert.certificate.content_type.as_deref(),
        Some("application/pkix-cert")
    );
    assert_eq!(cert.certificate.data.0.len(), 61);
    assert_eq!(cert.certificate.data.0.first(), Some(&0x30));
    both_ways(&got);
    assert!(crate::support::to_xml(&got).contains(
        r#"xmlns:ns1="http://www.w3.org/2005/05/xmlmime" ns1:contentType="application/pkix-cert""#
    ));
}

#[cfg(wws_corpus)]
#[test]
fn the_types_match_the_published_contract() {
    // The generated types (wws-codegen-tests, from the published contract).
    use wws_codegen_tests::onvif::{
        CreateCertificate, CreateCertificateResponse, GetCapabilities, GetCapabilitiesResponse,
        GetDeviceInformationResponse, GetDynamicDnsResponse, GetNetworkInterfacesResponse,
        GetSystemDateAndTimeResponse,
    };
    let (Some(wsdl), Some(xsd)) = (
        crate::support::shared_wsdl("onvif-devicemgmt/ver10/device/wsdl/devicemgmt.wsdl"),
        crate::support::shared_wsdl("onvif-devicemgmt/ver10/schema/onvif.xsd"),
    ) else {
        return;
    };
    assert!(wsdl.contains(r#"targetNamespace="http://www.onvif.org/ver10/device/wsdl""#));
    assert!(xsd.contains(&format!(r#"targetNamespace="{TT}""#)));
    for element in [
        GetSystemDateAndTimeResponse::NAME,
        GetDeviceInformationResponse::NAME,
        GetCapabilities::NAME,
        GetCapabilitiesResponse::NAME,
        GetNetworkInterfacesResponse::NAME,
        GetDynamicDnsResponse::NAME,
        CreateCertificate::NAME,
        CreateCertificateResponse::NAME,
        "HardwareId",
        "NvtCertificate",
        "ValidNotAfter",
    ] {
        assert!(
            wsdl.contains(&format!(r#"<xs:element name="{element}""#)),
            "{element}"
        );
    }
    for ty in [
        "SystemDateTime",
        "SetDateTimeType",
        "TimeZone",
        "DateTime",
        "Capabilities",
        "DeviceCapabilities",
        "NetworkCapabilities",
        "SystemCapabilities",
        "OnvifVersion",
        "EventCapabilities",
        "MediaCapabilities",
        "RealTimeStreamingCapabilities",
        "DeviceEntity",
        "NetworkInterface",
        "NetworkInterfaceInfo",
        "NetworkInterfaceLink",
        "NetworkInterfaceConnectionSetting",
        "Duplex",
        "IPv4NetworkInterface",
        "IPv4Configuration",
        "PrefixedIPv4Address",
        "DynamicDNSType",
        "DynamicDNSInformation",
        "Certificate",
        "BinaryData",
        "CapabilityCategory",
    ] {
        assert!(xsd.contains(&format!(r#"Type name="{ty}""#)), "{ty}");
    }
    for element in [
        "UTCDateTime",
        "RTP_RTSP_TCP",
        "WSPausableSubscriptionManagerInterfaceSupport",
        "FromDHCP",
        "InterfaceType",
        "PrefixLength",
        "TTL",
        "CertificateID",
    ] {
        assert!(xsd.contains(&format!(r#"name="{element}""#)), "{element}");
    }
}
