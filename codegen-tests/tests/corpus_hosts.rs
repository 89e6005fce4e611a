//! TempConvert, NumberConversion and CountryInfoService (from `../shared/wsdl/`, SKIPPED when
//! absent): generated services hosted on loopback, called by the generated
//! clients and by zeep (dynamic, from the host's `?wsdl`; SKIPPED when not
//! installed) over SOAP 1.1 and 1.2, every operation. Both contracts give every
//! operation `soapAction=""` (NumberConversion) or share one service, so
//! the host tells them apart by their request element.

#[cfg(not(wws_corpus))]
#[test]
fn corpus_hosts() {
    println!(
        "SKIPPED: ../shared/wsdl is absent; TempConvert and NumberConversion were not generated"
    );
}

#[cfg(wws_corpus)]
mod support;

#[cfg(wws_corpus)]
mod corpus {
    use super::support::zeep;
    use std::sync::Arc;
    use std::time::Duration;

    use wws_codegen_tests::countryinfo::{
        self as ci, ArrayOftContinent, ArrayOftLanguage, CapitalCity, CapitalCityResponse,
        CountryInfoService, CountryInfoServiceClient, CountryName, FullCountryInfo,
        FullCountryInfoResponse, ListOfContinentsByName, ListOfContinentsByNameResponse,
        TContinent, TCountryInfo, TLanguage,
    };
    use wws_codegen_tests::numberconversion::{
        self as nc, NumberConversionClient, NumberConversionService, NumberToDollars,
        NumberToDollarsResponse, NumberToWords, NumberToWordsResponse,
    };
    use wws_codegen_tests::tempconvert::{
        self as tc, CelsiusToFahrenheit, CelsiusToFahrenheitResponse, FahrenheitToCelsius,
        FahrenheitToCelsiusResponse, TempConvertClient, TempConvertService,
    };
    use wws_core::operation::Reply;
    use wws_core::{AddressingVersion, EnvelopeVersion, Fault};
    use wws_host::{Contract, Endpoint, OperationContext, ServiceHost};
    use wws_proxy::ServiceProxy;

    const STEP: Duration = Duration::from_secs(10);

    async fn within<F: std::future::Future>(f: F) -> F::Output {
        tokio::time::timeout(STEP, f).await.expect("in time")
    }

    struct Temp;

    fn convert(text: Option<String>, f: impl Fn(f64) -> f64) -> Result<Option<String>, Box<Fault>> {
        let t: f64 = text
            .as_deref()
            .unwrap_or("")
            .trim()
            .parse()
            .map_err(|_| Box::new(Fault::sender("not a number")))?;
        Ok(Some(format!("{}", f(t))))
    }

    impl TempConvertService for Temp {
        async fn fahrenheit_to_celsius(
            &self,
            _ctx: &OperationContext,
            req: FahrenheitToCelsius,
        ) -> Reply<tc::op::FahrenheitToCelsius> {
            Ok(FahrenheitToCelsiusResponse {
                fahrenheit_to_celsius_result: convert(req.fahrenheit, |f| (f - 32.0) * 5.0 / 9.0)
                    .map_err(|f| *f)?,
            })
        }

        async fn celsius_to_fahrenheit(
            &self,
            _ctx: &OperationContext,
            req: CelsiusToFahrenheit,
        ) -> Reply<tc::op::CelsiusToFahrenheit> {
            Ok(CelsiusToFahrenheitResponse {
                celsius_to_fahrenheit_result: convert(req.celsius, |c| c * 9.0 / 5.0 + 32.0)
                    .map_err(|f| *f)?,
            })
        }
    }

    struct Numbers;

    fn words(n: u64) -> String {
        const SMALL: [&str; 20] = [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ];
        const TENS: [&str; 10] = [
            "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
        ];
        match n {
            0..20 => SMALL[n as usize].to_owned(),
            20..100 if n % 10 == 0 => TENS[(n / 10) as usize].to_owned(),
            20..100 => format!("{}-{}", TENS[(n / 10) as usize], SMALL[(n % 10) as usize]),
            _ => n.to_string(),
        }
    }

    impl NumberConversionService for Numbers {
        async fn number_to_words(
            &self,
            _ctx: &OperationContext,
            req: NumberToWords,
        ) -> Reply<nc::op::NumberToWords> {
            Ok(NumberToWordsResponse {
                number_to_words_result: words(req.ubi_num),
            })
        }

        async fn number_to_dollars(
            &self,
            _ctx: &OperationContext,
            req: NumberToDollars,
        ) -> Reply<nc::op::NumberToDollars> {
            Ok(NumberToDollarsResponse {
                number_to_dollars_result: format!("{} dollars", req.d_num),
            })
        }
    }

    fn corpus_wsdl(path: &str) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/wsdl");
        std::fs::read_to_string(dir.join(path)).expect("corpus WSDL")
    }

    /// zeep loads the WSDL from the host and calls every operation on both SOAP ports.
    const ZEEP_TEMP: &str = r#"
import sys
from zeep import Client
client = Client(sys.argv[1])
for port in ("TempConvertSoap", "TempConvertSoap12"):
    s = client.bind("TempConvert", port)
    print(port, s.FahrenheitToCelsius(Fahrenheit="212"), s.CelsiusToFahrenheit(Celsius="-40"))
"#;

    const ZEEP_NUMBERS: &str = r#"
import sys
from decimal import Decimal
from zeep import Client
client = Client(sys.argv[1])
for port in ("NumberConversionSoap", "NumberConversionSoap12"):
    s = client.bind("NumberConversion", port)
    print(port, s.NumberToWords(ubiNum=42), "|", s.NumberToDollars(dNum=Decimal("12.50")))
"#;

    async fn host(contract: Contract, wsdl: &str) -> (ServiceHost, std::net::SocketAddr) {
        let host = ServiceHost::new(([127, 0, 0, 1], 0).into());
        let wsdl = corpus_wsdl(wsdl);
        for (path, envelope) in [
            ("/s11", EnvelopeVersion::Soap11),
            ("/s12", EnvelopeVersion::Soap12),
        ] {
            let e = Endpoint::new(
                path,
                envelope,
                AddressingVersion::Transport,
                contract.clone(),
            )
            .with_wsdl(wsdl.clone());
            host.add_endpoint(e).expect("endpoint");
        }
        within(host.open()).await.expect("open");
        let addr = host.local_addr().expect("bound");
        (host, addr)
    }

    async fn proxy(
        addr: std::net::SocketAddr,
        path: &str,
        envelope: EnvelopeVersion,
    ) -> ServiceProxy {
        let p = ServiceProxy::new(
            &format!("http://{addr}{path}"),
            envelope,
            AddressingVersion::Transport,
        )
        .expect("proxy");
        within(p.open()).await.expect("proxy open");
        p
    }

    const VERSIONS: [(&str, EnvelopeVersion); 2] = [
        ("/s11", EnvelopeVersion::Soap11),
        ("/s12", EnvelopeVersion::Soap12),
    ];

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tempconvert_generated_host_and_client() {
        let w = wws_codegen_tests::warnings("tempconvert");
        assert!(w.contains("TempConvertHttpPost has no SOAP binding"), "{w}");
        let (host, addr) = host(
            Arc::new(Temp).into_contract(),
            "tempconvert/TempConvert.wsdl",
        )
        .await;
        for (path, envelope) in VERSIONS {
            let c = TempConvertClient::new(proxy(addr, path, envelope).await);
            let r = within(c.fahrenheit_to_celsius(&FahrenheitToCelsius {
                fahrenheit: Some("212".into()),
            }))
            .await
            .expect("F→C");
            assert_eq!(
                r.fahrenheit_to_celsius_result.as_deref(),
                Some("100"),
                "{envelope:?}"
            );
            let r = within(c.celsius_to_fahrenheit(&CelsiusToFahrenheit {
                celsius: Some("-40".into()),
            }))
            .await
            .expect("C→F");
            assert_eq!(
                r.celsius_to_fahrenheit_result.as_deref(),
                Some("-40"),
                "{envelope:?}"
            );
            let e = within(c.celsius_to_fahrenheit(&CelsiusToFahrenheit { celsius: None }))
                .await
                .expect_err("no number");
            assert!(e.to_string().contains("not a number"), "{e}");
        }
        if let Some(out) = zeep(ZEEP_TEMP, vec![format!("http://{addr}/s11?wsdl")]).await {
            assert!(out.contains("TempConvertSoap 100 -40"), "{out}");
            assert!(out.contains("TempConvertSoap12 100 -40"), "{out}");
        }
        within(host.close()).await.expect("close");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn numberconversion_generated_host_and_client() {
        assert_eq!(wws_codegen_tests::warnings("numberconversion"), "\n");
        let (host, addr) = host(
            Arc::new(Numbers).into_contract(),
            "numberconversion/NumberConversion.wsdl",
        )
        .await;
        for (path, envelope) in VERSIONS {
            let c = NumberConversionClient::new(proxy(addr, path, envelope).await);
            let r = within(c.number_to_words(&NumberToWords { ubi_num: 42 }))
                .await
                .expect("words");
            assert_eq!(r.number_to_words_result, "forty-two", "{envelope:?}");
            let d = "12.50".parse().expect("decimal");
            let r = within(c.number_to_dollars(&NumberToDollars { d_num: d }))
                .await
                .expect("dollars");
            assert_eq!(r.number_to_dollars_result, "12.50 dollars", "{envelope:?}");
        }
        if let Some(out) = zeep(ZEEP_NUMBERS, vec![format!("http://{addr}/s11?wsdl")]).await {
            assert!(
                out.contains("NumberConversionSoap forty-two | 12.50 dollars"),
                "{out}"
            );
            assert!(
                out.contains("NumberConversionSoap12 forty-two | 12.50 dollars"),
                "{out}"
            );
        }
        within(host.close()).await.expect("close");
    }

    struct Countries;

    fn netherlands() -> TCountryInfo {
        TCountryInfo {
            s_iso_code: "NL".into(),
            s_name: "Netherlands".into(),
            s_capital_city: "Amsterdam".into(),
            s_phone_code: "31".into(),
            s_continent_code: "EU".into(),
            s_currency_iso_code: "EUR".into(),
            s_country_flag: "http://example.invalid/nl.jpg".into(),
            languages: ArrayOftLanguage {
                t_language: vec![TLanguage {
                    s_iso_code: "nl".into(),
                    s_name: "Dutch".into(),
                }],
            },
        }
    }

    fn continents() -> ArrayOftContinent {
        ArrayOftContinent {
            t_continent: vec![
                TContinent {
                    s_code: "AF".into(),
                    s_name: "Africa".into(),
                },
                TContinent {
                    s_code: "EU".into(),
                    s_name: "Europe".into(),
                },
            ],
        }
    }

    impl CountryInfoService for Countries {
        async fn list_of_continents_by_name(
            &self,
            _ctx: &OperationContext,
            _req: ListOfContinentsByName,
        ) -> Reply<ci::op::ListOfContinentsByName> {
            Ok(ListOfContinentsByNameResponse {
                list_of_continents_by_name_result: continents(),
            })
        }

        async fn capital_city(
            &self,
            _ctx: &OperationContext,
            req: CapitalCity,
        ) -> Reply<ci::op::CapitalCity> {
            let city = if req.s_country_iso_code == "NL" {
                "Amsterdam"
            } else {
                "Country not found"
            };
            Ok(CapitalCityResponse {
                capital_city_result: city.into(),
            })
        }

        async fn full_country_info(
            &self,
            _ctx: &OperationContext,
            _req: FullCountryInfo,
        ) -> Reply<ci::op::FullCountryInfo> {
            Ok(FullCountryInfoResponse {
                full_country_info_result: netherlands(),
            })
        }
    }

    const ZEEP_COUNTRIES: &str = r#"
import sys
from zeep import Client
client = Client(sys.argv[1])
for port in ("CountryInfoServiceSoap", "CountryInfoServiceSoap12"):
    s = client.bind("CountryInfoService", port)
    info = s.FullCountryInfo(sCountryISOCode="NL")
    continents = s.ListOfContinentsByName()
    # zeep unwraps an array type of one repeated child into a list.
    langs = getattr(info.Languages, "tLanguage", info.Languages)
    continents = getattr(continents, "tContinent", continents)
    print(port, s.CapitalCity(sCountryISOCode="NL"), info.sName, langs[0].sName,
          ",".join(c.sName for c in continents))
"#;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn countryinfo_generated_host_and_client() {
        let (host, addr) = host(
            Arc::new(Countries).into_contract(),
            "countryinfo/CountryInfoService.wsdl",
        )
        .await;
        for (path, envelope) in VERSIONS {
            let c = CountryInfoServiceClient::new(proxy(addr, path, envelope).await);
            let r = within(c.full_country_info(&FullCountryInfo {
                s_country_iso_code: "NL".into(),
            }))
            .await
            .expect("info");
            assert_eq!(r.full_country_info_result, netherlands(), "{envelope:?}");
            let r = within(c.list_of_continents_by_name(&ListOfContinentsByName {}))
                .await
                .expect("continents");
            assert_eq!(
                r.list_of_continents_by_name_result,
                continents(),
                "{envelope:?}"
            );
            let r = within(c.capital_city(&CapitalCity {
                s_country_iso_code: "NL".into(),
            }))
            .await
            .expect("capital");
            assert_eq!(r.capital_city_result, "Amsterdam");
            let e = within(c.country_name(&CountryName {
                s_country_iso_code: "NL".into(),
            }))
            .await
            .expect_err("not implemented");
            assert!(
                e.to_string().contains("CountryName is not implemented"),
                "{e}"
            );
        }
        if let Some(out) = zeep(ZEEP_COUNTRIES, vec![format!("http://{addr}/s11?wsdl")]).await {
            for port in ["CountryInfoServiceSoap ", "CountryInfoServiceSoap12 "] {
                assert!(
                    out.contains(&format!("{port}Amsterdam Netherlands Dutch Africa,Europe")),
                    "{out}"
                );
            }
        }
        within(host.close()).await.expect("close");
    }
}
