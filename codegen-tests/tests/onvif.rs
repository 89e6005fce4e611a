//! ONVIF device management (from `../shared/wsdl/`, SKIPPED when absent):
//! a generated device service on loopback over SOAP 1.2, implementing
//! GetSystemDateAndTime, GetDeviceInformation, GetCapabilities and
//! GetNetworkInterfaces, called by the generated client and by zeep (from
//! the host's `?wsdl`: the published WSDL and its two schemas, served as a
//! multi-file contract; SKIPPED without zeep); results compared field by
//! field. The other 99 operations answer "not implemented".

#[cfg(not(wws_corpus))]
#[test]
fn onvif_device() {
    println!("SKIPPED: ../shared/wsdl is absent; ONVIF device management was not generated");
}

#[cfg(wws_corpus)]
mod support;

#[cfg(wws_corpus)]
mod onvif {
    use super::support::zeep;
    use std::sync::Arc;
    use std::time::Duration;

    use wws_codegen_tests::onvif::{
        self as dm, Capabilities, CapabilityCategory, Date, DateTime, DeviceCapabilities,
        DeviceClient, DeviceEntity, DeviceService, GetCapabilities, GetCapabilitiesResponse,
        GetDeviceInformation, GetDeviceInformationResponse, GetHostname, GetNetworkInterfaces,
        GetNetworkInterfacesResponse, GetSystemDateAndTime, GetSystemDateAndTimeResponse,
        NetworkInterface, NetworkInterfaceInfo, SetDateTimeType, SystemDateTime, Time, TimeZone,
    };
    use wws_core::operation::Reply;
    use wws_core::xsd::{AnyUri, Token};
    use wws_core::{AddressingVersion, EnvelopeVersion, Fault};
    use wws_host::{Endpoint, OperationContext, ServiceHost};
    use wws_proxy::ServiceProxy;

    const STEP: Duration = Duration::from_secs(10);

    async fn within<F: std::future::Future>(f: F) -> F::Output {
        tokio::time::timeout(STEP, f).await.expect("in time")
    }

    fn date_and_time() -> SystemDateTime {
        SystemDateTime {
            date_time_type: SetDateTimeType::Ntp,
            daylight_savings: true,
            time_zone: Some(TimeZone {
                tz: Token("CET-1CEST,M3.5.0,M10.5.0/3".into()),
            }),
            utc_date_time: Some(DateTime {
                time: Time {
                    hour: 9,
                    minute: 30,
                    second: 5,
                },
                date: Date {
                    year: 2026,
                    month: 12,
                    day: 1,
                },
            }),
            local_date_time: None,
            extension: None,
            any_attribute: Vec::new(),
        }
    }

    fn information() -> GetDeviceInformationResponse {
        GetDeviceInformationResponse {
            manufacturer: "wws".into(),
            model: "generated".into(),
            firmware_version: "1.0".into(),
            serial_number: "0001".into(),
            hardware_id: "loopback".into(),
        }
    }

    fn interfaces() -> Vec<NetworkInterface> {
        vec![NetworkInterface {
            base: DeviceEntity {
                token: "eth0".into(),
            },
            enabled: true,
            info: Some(NetworkInterfaceInfo {
                name: Some("eth0".into()),
                hw_address: Token("00:11:22:33:44:55".into()),
                mtu: Some(1500),
            }),
            link: None,
            ipv4: None,
            ipv6: None,
            extension: None,
            any_attribute: Vec::new(),
        }]
    }

    struct Device;

    impl DeviceService for Device {
        async fn get_system_date_and_time(
            &self,
            _ctx: &OperationContext,
            _req: GetSystemDateAndTime,
        ) -> Reply<dm::op::GetSystemDateAndTime> {
            Ok(GetSystemDateAndTimeResponse {
                system_date_and_time: date_and_time(),
            })
        }

        async fn get_device_information(
            &self,
            _ctx: &OperationContext,
            _req: GetDeviceInformation,
        ) -> Reply<dm::op::GetDeviceInformation> {
            Ok(information())
        }

        async fn get_capabilities(
            &self,
            _ctx: &OperationContext,
            req: GetCapabilities,
        ) -> Reply<dm::op::GetCapabilities> {
            if !req
                .category
                .iter()
                .any(|c| matches!(c, CapabilityCategory::All | CapabilityCategory::Device))
            {
                return Err(Fault::sender("only the device's capabilities are known").into());
            }
            Ok(GetCapabilitiesResponse {
                capabilities: Capabilities {
                    device: Some(DeviceCapabilities {
                        xaddr: AnyUri("http://127.0.0.1/onvif/device_service".into()),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            })
        }

        async fn get_network_interfaces(
            &self,
            _ctx: &OperationContext,
            _req: GetNetworkInterfaces,
        ) -> Reply<dm::op::GetNetworkInterfaces> {
            Ok(GetNetworkInterfacesResponse {
                network_interfaces: interfaces(),
            })
        }
    }

    fn corpus_file(path: &str) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/wsdl/onvif-devicemgmt/ver10");
        std::fs::read_to_string(dir.join(path)).expect("corpus file")
    }

    /// zeep on the host's `?wsdl`: the four remote W3C and OASIS imports
    /// answered with stubs of what ONVIF uses from them (no network here),
    /// the binding bound to the host (the WSDL names no service), each
    /// operation called and its answer printed as `name=value` lines.
    const ZEEP_ONVIF: &str = r#"
import sys
from zeep import Client
from zeep.transports import Transport

XS = 'xmlns:xs="http://www.w3.org/2001/XMLSchema"'
ANY = '<xs:sequence><xs:any processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>'
STUBS = {
    "https://www.w3.org/2005/05/xmlmime": f'<xs:schema {XS} targetNamespace="http://www.w3.org/2005/05/xmlmime"><xs:attribute name="contentType" type="xs:string"/></xs:schema>',
    "https://www.w3.org/2003/05/soap-envelope": f'<xs:schema {XS} targetNamespace="http://www.w3.org/2003/05/soap-envelope"><xs:complexType name="Envelope">{ANY}</xs:complexType><xs:complexType name="Fault">{ANY}</xs:complexType></xs:schema>',
    "http://docs.oasis-open.org/wsn/b-2.xsd": f'<xs:schema {XS} targetNamespace="http://docs.oasis-open.org/wsn/b-2"><xs:complexType name="FilterType">{ANY}</xs:complexType><xs:complexType name="NotificationMessageHolderType">{ANY}</xs:complexType></xs:schema>',
    "https://www.w3.org/2004/08/xop/include": f'<xs:schema {XS} targetNamespace="http://www.w3.org/2004/08/xop/include"><xs:element name="Include"><xs:complexType>{ANY}</xs:complexType></xs:element></xs:schema>',
}

class Local(Transport):
    def load(self, url):
        if url in STUBS:
            return STUBS[url].encode()
        if not url.startswith("http://127.0.0.1"):
            raise RuntimeError("no network: " + url)
        return super().load(url)

wsdl, address = sys.argv[1], sys.argv[2]
client = Client(wsdl, transport=Local())
s = client.create_service("{http://www.onvif.org/ver10/device/wsdl}DeviceBinding", address)
t = s.GetSystemDateAndTime()
u = t.UTCDateTime
print(f"time={t.DateTimeType} {t.DaylightSavings} {t.TimeZone.TZ} {u.Date.Year}-{u.Date.Month}-{u.Date.Day} {u.Time.Hour}:{u.Time.Minute}:{u.Time.Second} local={t.LocalDateTime}")
i = s.GetDeviceInformation()
print(f"info={i.Manufacturer}|{i.Model}|{i.FirmwareVersion}|{i.SerialNumber}|{i.HardwareId}")
c = s.GetCapabilities(Category=["All"])
print(f"xaddr={c.Device.XAddr} media={c.Media}")
n = s.GetNetworkInterfaces()
print(f"nic={n[0].token} {n[0].Enabled} {n[0].Info.Name} {n[0].Info.HwAddress} {n[0].Info.MTU} link={n[0].Link}")
"#;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn zeep_calls_the_generated_device_from_the_published_contract() {
        let host = ServiceHost::new(([127, 0, 0, 1], 0).into());
        let e = Endpoint::new(
            "/onvif/device_service",
            EnvelopeVersion::Soap12,
            AddressingVersion::Transport,
            Arc::new(Device).into_contract(),
        )
        .with_wsdl_documents(
            corpus_file("device/wsdl/devicemgmt.wsdl"),
            [
                (
                    "../../../ver10/schema/onvif.xsd",
                    corpus_file("schema/onvif.xsd"),
                ),
                (
                    "../../../ver10/schema/common.xsd",
                    corpus_file("schema/common.xsd"),
                ),
            ],
        );
        host.add_endpoint(e).expect("endpoint");
        within(host.open()).await.expect("open");
        let addr = host.local_addr().expect("bound");
        let url = format!("http://{addr}/onvif/device_service");
        let Some(out) = zeep(ZEEP_ONVIF, vec![format!("{url}?wsdl"), url]).await else {
            return;
        };
        let t = date_and_time();
        let u = t.utc_date_time.as_ref().expect("utc");
        let tz = &t.time_zone.as_ref().expect("tz").tz.0;
        let i = information();
        let nic = &interfaces()[0];
        let info = nic.info.as_ref().expect("info");
        for want in [
            format!(
                "time=NTP True {tz} {}-{}-{} {}:{}:{} local=None",
                u.date.year, u.date.month, u.date.day, u.time.hour, u.time.minute, u.time.second
            ),
            format!(
                "info={}|{}|{}|{}|{}",
                i.manufacturer, i.model, i.firmware_version, i.serial_number, i.hardware_id
            ),
            "xaddr=http://127.0.0.1/onvif/device_service media=None".to_owned(),
            format!(
                "nic={} True {} {} {} link=None",
                nic.base.token,
                info.name.as_deref().unwrap_or_default(),
                info.hw_address.0,
                info.mtu.unwrap_or_default()
            ),
        ] {
            assert!(
                out.lines().any(|l| l == want),
                "{want}
zeep printed:
{out}"
            );
        }
        within(host.close()).await.expect("close");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn generated_device_service_and_client_over_soap12() {
        let w = wws_codegen_tests::warnings("onvif");
        assert!(w.contains("remote import"), "{w}");
        let host = ServiceHost::new(([127, 0, 0, 1], 0).into());
        let e = Endpoint::new(
            "/onvif/device_service",
            EnvelopeVersion::Soap12,
            AddressingVersion::Transport,
            Arc::new(Device).into_contract(),
        );
        host.add_endpoint(e).expect("endpoint");
        within(host.open()).await.expect("open");
        let addr = host.local_addr().expect("bound");
        let proxy = ServiceProxy::new(
            &format!("http://{addr}/onvif/device_service"),
            EnvelopeVersion::Soap12,
            AddressingVersion::Transport,
        )
        .expect("proxy");
        within(proxy.open()).await.expect("proxy open");
        let device = DeviceClient::new(proxy);

        let t = within(device.get_system_date_and_time(&GetSystemDateAndTime {}))
            .await
            .expect("time");
        assert_eq!(t.system_date_and_time, date_and_time());
        let i = within(device.get_device_information(&GetDeviceInformation {}))
            .await
            .expect("info");
        assert_eq!(i, information());
        let c = within(device.get_capabilities(&GetCapabilities {
            category: vec![CapabilityCategory::All],
        }))
        .await
        .expect("capabilities");
        let xaddr = c.capabilities.device.map(|d| d.xaddr.0);
        assert_eq!(
            xaddr.as_deref(),
            Some("http://127.0.0.1/onvif/device_service")
        );
        assert_eq!(c.capabilities.media, None);
        let n = within(device.get_network_interfaces(&GetNetworkInterfaces {}))
            .await
            .expect("interfaces");
        assert_eq!(n.network_interfaces, interfaces());

        // An operation the device does not implement answers a Receiver fault.
        let e = within(device.get_hostname(&GetHostname {}))
            .await
            .expect_err("not implemented");
        assert!(
            e.to_string().contains("GetHostname is not implemented"),
            "{e}"
        );
        within(host.close()).await.expect("close");
    }
}
