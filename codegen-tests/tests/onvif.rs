//! ONVIF device management (from `../shared/wsdl/`, SKIPPED when absent):
//! a generated device service on loopback over SOAP 1.2, implementing
//! GetSystemDateAndTime, GetDeviceInformation, GetCapabilities and
//! GetNetworkInterfaces, called by the generated client; results compared
//! field by field. The other 99 operations answer "not implemented".

#[cfg(not(wws_corpus))]
#[test]
fn onvif_device() {
    println!("SKIPPED: ../shared/wsdl is absent; ONVIF device management was not generated");
}

#[cfg(wws_corpus)]
mod onvif {
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
