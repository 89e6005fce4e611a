//! TempConvert and NumberConversion (from `../shared/wsdl/`, SKIPPED when
//! absent): generated services hosted on loopback, called by the generated
//! clients over SOAP 1.1 and 1.2, every operation. Both contracts give every
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
mod corpus {
    use std::sync::Arc;
    use std::time::Duration;

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

    async fn host(contract: Contract) -> (ServiceHost, std::net::SocketAddr) {
        let host = ServiceHost::new(([127, 0, 0, 1], 0).into());
        for (path, envelope) in [
            ("/s11", EnvelopeVersion::Soap11),
            ("/s12", EnvelopeVersion::Soap12),
        ] {
            host.add_endpoint(Endpoint::new(
                path,
                envelope,
                AddressingVersion::Transport,
                contract.clone(),
            ))
            .expect("endpoint");
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
        let (host, addr) = host(Arc::new(Temp).into_contract()).await;
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
        within(host.close()).await.expect("close");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn numberconversion_generated_host_and_client() {
        assert_eq!(wws_codegen_tests::warnings("numberconversion"), "\n");
        let (host, addr) = host(Arc::new(Numbers).into_contract()).await;
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
        within(host.close()).await.expect("close");
    }
}
