//! CountryInfoService (four operations, all `soapAction=""`, nested types
//! and arrays) served on loopback over SOAP 1.1 and 1.2, called by the
//! typed client and by zeep from the host's `?wsdl` (the published WSDL,
//! read from `../shared/wsdl/` at test time, its addresses rewritten by
//! the host); results compared field by field.

use std::collections::BTreeMap;
use std::sync::Arc;

use wws_core::operation::Reply;
use wws_core::{AddressingVersion, EnvelopeVersion, Fault};
use wws_host::{Endpoint, OperationContext, ServiceHost};
use wws_proxy::{CallOptions, ServiceProxy};

use crate::countryinfo::*;
use crate::support::{shared_wsdl, within};
use crate::zeep;

/// The service's data: a few countries.
struct Countries {
    countries: Vec<TCountryInfo>,
}

fn country(
    code: &str,
    name: &str,
    capital: &str,
    continent: &str,
    languages: &[(&str, &str)],
) -> TCountryInfo {
    TCountryInfo {
        s_iso_code: code.into(),
        s_name: name.into(),
        s_capital_city: capital.into(),
        s_phone_code: format!("{}", code.len() * 16),
        s_continent_code: continent.into(),
        s_currency_iso_code: "EUR".into(),
        s_country_flag: format!("http://www.oorsprong.org/WebSamples.CountryInfo/Flags/{name}.jpg"),
        languages: ArrayOftLanguage {
            t_language: languages
                .iter()
                .map(|(c, n)| TLanguage {
                    s_iso_code: (*c).into(),
                    s_name: (*n).into(),
                })
                .collect(),
        },
    }
}

impl Countries {
    fn new() -> Self {
        Countries {
            countries: vec![
                country(
                    "BE",
                    "Belgium",
                    "Brussels",
                    "EU",
                    &[("nl", "Dutch"), ("fr", "French"), ("de", "German")],
                ),
                country("NL", "Netherlands", "Amsterdam", "EU", &[("nl", "Dutch")]),
                country(
                    "CI",
                    "Côte d'Ivoire",
                    "Yamoussoukro",
                    "AF",
                    &[("fr", "French")],
                ),
                country("AQ", "Antarctica <& co>", "", "AN", &[]),
            ],
        }
    }

    #[allow(clippy::result_large_err)] // a handler answers `Fault`s
    fn find(&self, code: &str) -> Result<&TCountryInfo, Fault> {
        self.countries
            .iter()
            .find(|c| c.s_iso_code == code)
            .ok_or_else(|| Fault::sender(format!("no country {code:?}")))
    }

    fn names(&self) -> Vec<TCountryCodeAndName> {
        let mut names: Vec<_> = self
            .countries
            .iter()
            .map(|c| TCountryCodeAndName {
                s_iso_code: c.s_iso_code.clone(),
                s_name: c.s_name.clone(),
            })
            .collect();
        names.sort_by(|a, b| a.s_name.cmp(&b.s_name));
        names
    }
}

impl CountryInfoService for Countries {
    async fn full_country_info(
        &self,
        _: &OperationContext,
        r: FullCountryInfo,
    ) -> Reply<op::FullCountryInfo> {
        let info = self.find(&r.s_country_iso_code)?.clone();
        Ok(FullCountryInfoResponse {
            full_country_info_result: info,
        })
    }

    async fn list_of_country_names_by_name(
        &self,
        _: &OperationContext,
        _: ListOfCountryNamesByName,
    ) -> Reply<op::ListOfCountryNamesByName> {
        let t_country_code_and_name = self.names();
        Ok(ListOfCountryNamesByNameResponse {
            list_of_country_names_by_name_result: ArrayOftCountryCodeAndName {
                t_country_code_and_name,
            },
        })
    }

    async fn list_of_country_names_grouped_by_continent(
        &self,
        _: &OperationContext,
        _: ListOfCountryNamesGroupedByContinent,
    ) -> Reply<op::ListOfCountryNamesGroupedByContinent> {
        let continents = [
            ("AF", "Africa"),
            ("AN", "Antarctica"),
            ("EU", "Europe"),
            ("OC", "Oceania"),
        ];
        let groups = continents
            .iter()
            .map(|(code, name)| TCountryCodeAndNameGroupedByContinent {
                continent: TContinent {
                    s_code: (*code).into(),
                    s_name: (*name).into(),
                },
                country_code_and_names: ArrayOftCountryCodeAndName {
                    t_country_code_and_name: self
                        .countries
                        .iter()
                        .filter(|c| c.s_continent_code == *code)
                        .map(|c| TCountryCodeAndName {
                            s_iso_code: c.s_iso_code.clone(),
                            s_name: c.s_name.clone(),
                        })
                        .collect(),
                },
            })
            .collect();
        Ok(ListOfCountryNamesGroupedByContinentResponse {
            list_of_country_names_grouped_by_continent_result:
                ArrayOftCountryCodeAndNameGroupedByContinent {
                    t_country_code_and_name_grouped_by_continent: groups,
                },
        })
    }

    async fn capital_city(&self, _: &OperationContext, r: CapitalCity) -> Reply<op::CapitalCity> {
        let c = self.find(&r.s_country_iso_code)?;
        Ok(CapitalCityResponse {
            capital_city_result: c.s_capital_city.clone(),
        })
    }
}

const WSDL: &str = "countryinfo/CountryInfoService.wsdl";
const PATHS: [(EnvelopeVersion, &str); 2] = [
    (EnvelopeVersion::Soap11, "/countryinfo"),
    (EnvelopeVersion::Soap12, "/countryinfo12"),
];

/// A host serving CountryInfoService in both SOAP versions (with `wsdl` at `?wsdl`).
async fn serve(wsdl: Option<&str>) -> (ServiceHost, std::net::SocketAddr) {
    let host = ServiceHost::new("127.0.0.1:0".parse().expect("addr"));
    let contract = Arc::new(Countries::new()).into_contract();
    for (envelope, path) in PATHS {
        let mut e = Endpoint::new(
            path,
            envelope,
            AddressingVersion::Transport,
            contract.clone(),
        );
        if let Some(wsdl) = wsdl {
            e = e.with_wsdl(wsdl);
        }
        host.add_endpoint(e).expect("endpoint");
    }
    host.open().await.expect("open");
    let addr = host.local_addr().expect("bound");
    (host, addr)
}

async fn client(
    addr: std::net::SocketAddr,
    envelope: EnvelopeVersion,
    path: &str,
    addressing: AddressingVersion,
) -> CountryInfoServiceClient {
    let proxy = ServiceProxy::builder(&format!("http://{addr}{path}"))
        .envelope(envelope)
        .addressing(addressing)
        .build()
        .expect("proxy");
    proxy.open().await.expect("open");
    CountryInfoServiceClient::new(proxy)
}

#[tokio::test]
async fn the_typed_client_calls_every_operation_in_both_soap_versions() {
    let (host, addr) = serve(None).await;
    let data = Countries::new();
    // With WS-Addressing the empty soapAction becomes the default
    // `{ns}/CountryInfoServiceSoapType/{op}Request`, which the host knows too.
    let bindings = PATHS.into_iter().flat_map(|(e, p)| {
        [
            AddressingVersion::Transport,
            AddressingVersion::WsAddressing10,
        ]
        .map(|a| (e, p, a))
    });
    for (envelope, path, addressing) in bindings {
        let c = client(addr, envelope, path, addressing).await;
        let o = CallOptions::new;
        // Concurrent calls on one client.
        let be = c.full_country_info_with(
            &FullCountryInfo {
                s_country_iso_code: "BE".into(),
            },
            o(),
        );
        let names = c.list_of_country_names_by_name_with(&ListOfCountryNamesByName {}, o());
        let groups = c.list_of_country_names_grouped_by_continent_with(
            &ListOfCountryNamesGroupedByContinent {},
            o(),
        );
        let capital = c.capital_city_with(
            &CapitalCity {
                s_country_iso_code: "CI".into(),
            },
            o(),
        );
        let missing = c.capital_city_with(
            &CapitalCity {
                s_country_iso_code: "XX".into(),
            },
            o(),
        );

        let be = within("FullCountryInfo", be)
            .await
            .expect("BE")
            .full_country_info_result;
        let want = data.find("BE").expect("BE");
        assert_eq!(be.s_iso_code, want.s_iso_code);
        assert_eq!(be.s_name, want.s_name);
        assert_eq!(be.s_capital_city, want.s_capital_city);
        assert_eq!(be.s_phone_code, want.s_phone_code);
        assert_eq!(be.s_continent_code, want.s_continent_code);
        assert_eq!(be.s_currency_iso_code, want.s_currency_iso_code);
        assert_eq!(be.s_country_flag, want.s_country_flag);
        assert_eq!(be.languages.t_language, want.languages.t_language);

        let names = within("names", names)
            .await
            .expect("names")
            .list_of_country_names_by_name_result;
        assert_eq!(names.t_country_code_and_name, data.names());
        assert_eq!(names.t_country_code_and_name[0].s_name, "Antarctica <& co>");

        let groups = within("groups", groups).await.expect("groups");
        let groups = groups
            .list_of_country_names_grouped_by_continent_result
            .t_country_code_and_name_grouped_by_continent;
        assert_eq!(groups.len(), 4);
        assert_eq!(groups[0].continent.s_name, "Africa");
        assert_eq!(
            groups[0].country_code_and_names.t_country_code_and_name[0].s_name,
            "Côte d'Ivoire"
        );
        assert_eq!(
            groups[2]
                .country_code_and_names
                .t_country_code_and_name
                .len(),
            2
        );
        assert!(
            groups[3]
                .country_code_and_names
                .t_country_code_and_name
                .is_empty()
        );

        let capital = within("capital", capital).await.expect("capital");
        assert_eq!(capital.capital_city_result, "Yamoussoukro");
        let missing = within("missing", missing).await.expect_err("a fault");
        assert_eq!(
            missing.fault().map(Fault::reason_text),
            Some("no country \"XX\"")
        );
    }
    host.abort();
}

/// Our typed values flattened as `zeep_call.py` flattens zeep's.
fn country_leaves(c: &TCountryInfo) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: &str| m.insert(format!("result.{k}"), v.to_owned());
    put("sISOCode", &c.s_iso_code);
    put("sName", &c.s_name);
    put("sCapitalCity", &c.s_capital_city);
    put("sPhoneCode", &c.s_phone_code);
    put("sContinentCode", &c.s_continent_code);
    put("sCurrencyISOCode", &c.s_currency_iso_code);
    put("sCountryFlag", &c.s_country_flag);
    for (i, l) in c.languages.t_language.iter().enumerate() {
        put(&format!("Languages.tLanguage[{i}].sISOCode"), &l.s_iso_code);
        put(&format!("Languages.tLanguage[{i}].sName"), &l.s_name);
    }
    if c.languages.t_language.is_empty() {
        // zeep reads an empty wrapper as absent.
        put("Languages", "None");
    }
    m
}

fn names_leaves(prefix: &str, names: &[TCountryCodeAndName], m: &mut BTreeMap<String, String>) {
    for (i, n) in names.iter().enumerate() {
        m.insert(format!("{prefix}[{i}].sISOCode"), n.s_iso_code.clone());
        m.insert(format!("{prefix}[{i}].sName"), n.s_name.clone());
    }
}

#[tokio::test]
async fn zeep_reads_the_same_values_from_the_hosts_wsdl_in_both_soap_versions() {
    let Some(wsdl) = shared_wsdl(WSDL) else {
        return;
    };
    let (host, addr) = serve(Some(&wsdl)).await;
    let data = Countries::new();
    for (envelope, port) in [
        (EnvelopeVersion::Soap11, "CountryInfoServiceSoap"),
        (EnvelopeVersion::Soap12, "CountryInfoServiceSoap12"),
    ] {
        // Both ports' addresses point at this host: the WSDL is read from the 1.1 endpoint.
        let url = format!("http://{addr}/countryinfo?wsdl");
        let call = |op: &'static str, args: &'static str| {
            let url = url.clone();
            async move { zeep::call(&url, "CountryInfoService", port, op, args).await }
        };
        let Some(full) = call("FullCountryInfo", r#"{"sCountryISOCode": "BE"}"#).await else {
            return;
        };
        assert_eq!(
            full.result(),
            country_leaves(data.find("BE").expect("BE")),
            "{envelope:?}"
        );
        let aq = call("FullCountryInfo", r#"{"sCountryISOCode": "AQ"}"#)
            .await
            .expect("zeep")
            .result();
        assert_eq!(
            aq.get("result.sName").map(String::as_str),
            Some("Antarctica <& co>")
        );
        // zeep reads an empty string element, and an empty wrapper, as None.
        assert_eq!(
            aq.get("result.sCapitalCity").map(String::as_str),
            Some("None"),
            "{aq:?}"
        );
        assert_eq!(
            aq.get("result.Languages").map(String::as_str),
            Some("None"),
            "{aq:?}"
        );

        let names = call("ListOfCountryNamesByName", "{}")
            .await
            .expect("zeep")
            .result();
        let mut want = BTreeMap::new();
        names_leaves("result", &data.names(), &mut want);
        assert_eq!(names, want, "{envelope:?}");

        let capital = call("CapitalCity", r#"{"sCountryISOCode": "CI"}"#)
            .await
            .expect("zeep")
            .result();
        assert_eq!(
            capital,
            BTreeMap::from([("result".to_owned(), "Yamoussoukro".to_owned())])
        );

        let groups = call("ListOfCountryNamesGroupedByContinent", "{}")
            .await
            .expect("zeep")
            .result();
        let typed = client(
            addr,
            envelope,
            if envelope == EnvelopeVersion::Soap11 {
                "/countryinfo"
            } else {
                "/countryinfo12"
            },
            AddressingVersion::Transport,
        )
        .await;
        let ours = within(
            "groups",
            typed.list_of_country_names_grouped_by_continent_with(
                &ListOfCountryNamesGroupedByContinent {},
                CallOptions::new(),
            ),
        )
        .await
        .expect("groups");
        let mut want = BTreeMap::new();
        for (i, g) in ours
            .list_of_country_names_grouped_by_continent_result
            .t_country_code_and_name_grouped_by_continent
            .iter()
            .enumerate()
        {
            // zeep unwraps the result's one-element ArrayOf wrapper into a list.
            let p = format!("result[{i}]");
            want.insert(format!("{p}.Continent.sCode"), g.continent.s_code.clone());
            want.insert(format!("{p}.Continent.sName"), g.continent.s_name.clone());
            if g.country_code_and_names.t_country_code_and_name.is_empty() {
                want.insert(format!("{p}.CountryCodeAndNames"), "None".into());
            }
            names_leaves(
                &format!("{p}.CountryCodeAndNames.tCountryCodeAndName"),
                &g.country_code_and_names.t_country_code_and_name,
                &mut want,
            );
        }
        assert_eq!(groups, want, "{envelope:?}");

        match call("CapitalCity", r#"{"sCountryISOCode": "XX"}"#)
            .await
            .expect("zeep")
        {
            zeep::Zeep::Fault(f) => assert!(f.contains("no country"), "{f}"),
            other => panic!("expected a fault, got {other:?}"),
        }
    }
    host.abort();
}
