//! CountryInfoService (oorsprong.org, DataFlex), written by hand with the
//! derive: four operations — FullCountryInfo, ListOfCountryNamesByName,
//! ListOfCountryNamesGroupedByContinent, CapitalCity — nested types three
//! deep and `ArrayOfX` wrappers, decoded from responses as the service
//! sends them and encoded back; their operations (all `soapAction=""`), a
//! typed client and a service trait, as the code generator will emit them.
#![allow(non_snake_case)] // Field names are the contract's element names.

use std::future::Future;
use std::sync::Arc;

use wws_core::operation::Reply;
use wws_core::{AddressingVersion, BodyElement, EnvelopeVersion, Message, ReaderQuotas, XmlType};
use wws_host::{Contract, OperationContext};
use wws_proxy::{CallOptions, PendingCall, ServiceProxy};

// ---- types: the contract's, one line per element ----
/// The contract's target namespace.
pub const NS: &str = "http://www.oorsprong.org/websamples.countryinfo";

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "tLanguage")]
pub struct TLanguage {
    pub sISOCode: String,
    pub sName: String,
}

#[derive(XmlType, Debug, Clone, PartialEq, Default)]
#[xml(namespace = NS, name = "ArrayOftLanguage")]
pub struct ArrayOftLanguage {
    pub tLanguage: Vec<TLanguage>,
}

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "tCountryInfo")]
pub struct TCountryInfo {
    pub sISOCode: String,
    pub sName: String,
    pub sCapitalCity: String,
    pub sPhoneCode: String,
    pub sContinentCode: String,
    pub sCurrencyISOCode: String,
    pub sCountryFlag: String,
    pub Languages: ArrayOftLanguage,
}

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "tCountryCodeAndName")]
pub struct TCountryCodeAndName {
    pub sISOCode: String,
    pub sName: String,
}

#[derive(XmlType, Debug, Clone, PartialEq, Default)]
#[xml(namespace = NS, name = "ArrayOftCountryCodeAndName")]
pub struct ArrayOftCountryCodeAndName {
    pub tCountryCodeAndName: Vec<TCountryCodeAndName>,
}

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "tContinent")]
pub struct TContinent {
    pub sCode: String,
    pub sName: String,
}

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "tCountryCodeAndNameGroupedByContinent")]
pub struct TCountryCodeAndNameGroupedByContinent {
    pub Continent: TContinent,
    pub CountryCodeAndNames: ArrayOftCountryCodeAndName,
}

#[derive(XmlType, Debug, Clone, PartialEq, Default)]
#[xml(namespace = NS, name = "ArrayOftCountryCodeAndNameGroupedByContinent")]
pub struct ArrayOftCountryCodeAndNameGroupedByContinent {
    pub tCountryCodeAndNameGroupedByContinent: Vec<TCountryCodeAndNameGroupedByContinent>,
}

// ---- operations: request and response elements ----
#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "FullCountryInfo")]
pub struct FullCountryInfo {
    pub sCountryISOCode: String,
}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "FullCountryInfoResponse")]
pub struct FullCountryInfoResponse {
    pub FullCountryInfoResult: TCountryInfo,
}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "ListOfCountryNamesByName")]
pub struct ListOfCountryNamesByName {}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "ListOfCountryNamesByNameResponse")]
pub struct ListOfCountryNamesByNameResponse {
    pub ListOfCountryNamesByNameResult: ArrayOftCountryCodeAndName,
}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "ListOfCountryNamesGroupedByContinent")]
pub struct ListOfCountryNamesGroupedByContinent {}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "ListOfCountryNamesGroupedByContinentResponse")]
pub struct ListOfCountryNamesGroupedByContinentResponse {
    pub ListOfCountryNamesGroupedByContinentResult: ArrayOftCountryCodeAndNameGroupedByContinent,
}
#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "CapitalCity")]
pub struct CapitalCity {
    pub sCountryISOCode: String,
}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS, name = "CapitalCityResponse")]
pub struct CapitalCityResponse {
    pub CapitalCityResult: String,
}
// ---- end of types ----

// ---- operations, client and service trait ----
pub mod op {
    wws_core::operations! {
        namespace = super::NS, port_type = "CountryInfoServiceSoapType";
        /// Everything about one country.
        pub FullCountryInfo(super::FullCountryInfo) -> super::FullCountryInfoResponse { action: "" }
        /// Every country's code and name, by name.
        pub ListOfCountryNamesByName(super::ListOfCountryNamesByName) -> super::ListOfCountryNamesByNameResponse { action: "" }
        /// Countries grouped by continent.
        pub ListOfCountryNamesGroupedByContinent(super::ListOfCountryNamesGroupedByContinent) -> super::ListOfCountryNamesGroupedByContinentResponse { action: "" }
        /// A country's capital.
        pub CapitalCity(super::CapitalCity) -> super::CapitalCityResponse { action: "" }
    }
}

/// CountryInfoService's typed client.
#[derive(Clone, Debug)]
pub struct CountryInfoClient(pub ServiceProxy);

impl CountryInfoClient {
    pub fn full_country_info(
        &self,
        r: &FullCountryInfo,
        o: CallOptions,
    ) -> PendingCall<FullCountryInfoResponse> {
        self.0.invoke::<op::FullCountryInfo>(r, o)
    }
    pub fn list_of_country_names_by_name(
        &self,
        r: &ListOfCountryNamesByName,
        o: CallOptions,
    ) -> PendingCall<ListOfCountryNamesByNameResponse> {
        self.0.invoke::<op::ListOfCountryNamesByName>(r, o)
    }
    pub fn list_of_country_names_grouped_by_continent(
        &self,
        r: &ListOfCountryNamesGroupedByContinent,
        o: CallOptions,
    ) -> PendingCall<ListOfCountryNamesGroupedByContinentResponse> {
        self.0
            .invoke::<op::ListOfCountryNamesGroupedByContinent>(r, o)
    }
    pub fn capital_city(
        &self,
        r: &CapitalCity,
        o: CallOptions,
    ) -> PendingCall<CapitalCityResponse> {
        self.0.invoke::<op::CapitalCity>(r, o)
    }
}

/// CountryInfoService's service trait.
pub trait CountryInfoService: Send + Sync + Sized + 'static {
    fn full_country_info(
        &self,
        ctx: &OperationContext,
        r: FullCountryInfo,
    ) -> impl Future<Output = Reply<op::FullCountryInfo>> + Send;
    fn list_of_country_names_by_name(
        &self,
        ctx: &OperationContext,
        r: ListOfCountryNamesByName,
    ) -> impl Future<Output = Reply<op::ListOfCountryNamesByName>> + Send;
    fn list_of_country_names_grouped_by_continent(
        &self,
        ctx: &OperationContext,
        r: ListOfCountryNamesGroupedByContinent,
    ) -> impl Future<Output = Reply<op::ListOfCountryNamesGroupedByContinent>> + Send;
    fn capital_city(
        &self,
        ctx: &OperationContext,
        r: CapitalCity,
    ) -> impl Future<Output = Reply<op::CapitalCity>> + Send;

    fn into_contract(self: Arc<Self>) -> Contract {
        Contract::from_service(self)
            .serve::<op::FullCountryInfo, _, _>(|s, c, r| async move {
                s.full_country_info(&c, r).await
            })
            .serve::<op::ListOfCountryNamesByName, _, _>(|s, c, r| async move {
                s.list_of_country_names_by_name(&c, r).await
            })
            .serve::<op::ListOfCountryNamesGroupedByContinent, _, _>(|s, c, r| async move {
                s.list_of_country_names_grouped_by_continent(&c, r).await
            })
            .serve::<op::CapitalCity, _, _>(|s, c, r| async move { s.capital_city(&c, r).await })
            .into()
    }
}
// ---- end of operations ----

fn body<T: BodyElement>(envelope: &str) -> T {
    let m = Message::read(envelope.as_bytes(), &ReaderQuotas::default()).expect("envelope");
    m.read_body::<T>().unwrap_or_else(|e| panic!("{e}"))
}

fn lang(code: &str, name: &str) -> TLanguage {
    TLanguage {
        sISOCode: code.into(),
        sName: name.into(),
    }
}

fn cc(code: &str, name: &str) -> TCountryCodeAndName {
    TCountryCodeAndName {
        sISOCode: code.into(),
        sName: name.into(),
    }
}

/// As the DataFlex service answers (SOAP 1.1, `m:` prefix, CRLF line ends).
const FULL_COUNTRY_INFO_RESPONSE: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\r\n  <soap:Body>\r\n    <m:FullCountryInfoResponse xmlns:m=\"http://www.oorsprong.org/websamples.countryinfo\">\r\n      <m:FullCountryInfoResult>\r\n        <m:sISOCode>BE</m:sISOCode>\r\n        <m:sName>Belgium</m:sName>\r\n        <m:sCapitalCity>Brussels</m:sCapitalCity>\r\n        <m:sPhoneCode>32</m:sPhoneCode>\r\n        <m:sContinentCode>EU</m:sContinentCode>\r\n        <m:sCurrencyISOCode>EUR</m:sCurrencyISOCode>\r\n        <m:sCountryFlag>http://www.oorsprong.org/WebSamples.CountryInfo/Flags/Belgium.jpg</m:sCountryFlag>\r\n        <m:Languages>\r\n          <m:tLanguage>\r\n            <m:sISOCode>nl</m:sISOCode>\r\n            <m:sName>Dutch</m:sName>\r\n          </m:tLanguage>\r\n          <m:tLanguage>\r\n            <m:sISOCode>fr</m:sISOCode>\r\n            <m:sName>French</m:sName>\r\n          </m:tLanguage>\r\n          <m:tLanguage>\r\n            <m:sISOCode>de</m:sISOCode>\r\n            <m:sName>German</m:sName>\r\n          </m:tLanguage>\r\n        </m:Languages>\r\n      </m:FullCountryInfoResult>\r\n    </m:FullCountryInfoResponse>\r\n  </soap:Body>\r\n</soap:Envelope>\r\n";

fn belgium() -> TCountryInfo {
    TCountryInfo {
        sISOCode: "BE".into(),
        sName: "Belgium".into(),
        sCapitalCity: "Brussels".into(),
        sPhoneCode: "32".into(),
        sContinentCode: "EU".into(),
        sCurrencyISOCode: "EUR".into(),
        sCountryFlag: "http://www.oorsprong.org/WebSamples.CountryInfo/Flags/Belgium.jpg".into(),
        Languages: ArrayOftLanguage {
            tLanguage: vec![
                lang("nl", "Dutch"),
                lang("fr", "French"),
                lang("de", "German"),
            ],
        },
    }
}

#[test]
fn full_country_info_decodes_field_by_field_and_encodes_back() {
    let got: FullCountryInfoResponse = body(FULL_COUNTRY_INFO_RESPONSE);
    let r = &got.FullCountryInfoResult;
    let want = belgium();
    assert_eq!(r.sISOCode, want.sISOCode);
    assert_eq!(r.sName, want.sName);
    assert_eq!(r.sCapitalCity, want.sCapitalCity);
    assert_eq!(r.sPhoneCode, want.sPhoneCode);
    assert_eq!(r.sContinentCode, want.sContinentCode);
    assert_eq!(r.sCurrencyISOCode, want.sCurrencyISOCode);
    assert_eq!(r.sCountryFlag, want.sCountryFlag);
    assert_eq!(r.Languages.tLanguage.len(), 3);
    for (a, b) in r.Languages.tLanguage.iter().zip(&want.Languages.tLanguage) {
        assert_eq!((&a.sISOCode, &a.sName), (&b.sISOCode, &b.sName));
    }
    // Encode in both SOAP versions, as zeep would receive it, and read back.
    for envelope in [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12] {
        let m =
            Message::from_body(envelope, AddressingVersion::Transport, "", &got).expect("writes");
        let wire = m.to_bytes().expect("writes");
        let text = String::from_utf8_lossy(&wire);
        assert!(text.contains(&format!(r#"<FullCountryInfoResponse xmlns="{NS}"><FullCountryInfoResult><sISOCode>BE</sISOCode>"#)), "{text}");
        let back: FullCountryInfoResponse = body(&text);
        assert_eq!(back, got);
    }
    let req = FullCountryInfo {
        sCountryISOCode: "BE".into(),
    };
    assert_eq!(
        crate::support::to_xml(&req),
        format!(
            r#"<FullCountryInfo xmlns="{NS}"><sCountryISOCode>BE</sCountryISOCode></FullCountryInfo>"#
        )
    );
}

#[test]
fn list_of_country_names_by_name_with_nil_items_and_a_newer_server() {
    // zeep-style default namespace, a nil array item, and an element a newer server added.
    let xml = format!(
        r#"<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>
        <ListOfCountryNamesByNameResponse xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <ListOfCountryNamesByNameResult>
            <tCountryCodeAndName><sISOCode>AX</sISOCode><sName>Åland Islands</sName></tCountryCodeAndName>
            <tCountryCodeAndName xsi:nil="true"/>
            <tCountryCodeAndName><sISOCode>AF</sISOCode><sName>Afghanistan</sName><sNewField>2030</sNewField></tCountryCodeAndName>
            <tCountryCodeAndName><sISOCode>ZW</sISOCode><sName>Zimbabwe &amp; co</sName></tCountryCodeAndName>
          </ListOfCountryNamesByNameResult>
          <Paging page="1"/>
        </ListOfCountryNamesByNameResponse></soap-env:Body></soap-env:Envelope>"#
    );
    let got: ListOfCountryNamesByNameResponse = body(&xml);
    assert_eq!(
        got.ListOfCountryNamesByNameResult.tCountryCodeAndName,
        vec![
            cc("AX", "Åland Islands"),
            cc("AF", "Afghanistan"),
            cc("ZW", "Zimbabwe & co")
        ]
    );
    assert_eq!(crate::support::round_trip(&got), got);
    assert_eq!(
        crate::support::to_xml(&ListOfCountryNamesByName {}),
        format!(r#"<ListOfCountryNamesByName xmlns="{NS}"></ListOfCountryNamesByName>"#)
    );
}

#[test]
fn grouped_by_continent_three_deep() {
    let xml = format!(
        r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><a:ListOfCountryNamesGroupedByContinentResponse xmlns:a="{NS}"><a:ListOfCountryNamesGroupedByContinentResult>
          <a:tCountryCodeAndNameGroupedByContinent>
            <a:Continent><a:sCode>AF</a:sCode><a:sName>Africa</a:sName></a:Continent>
            <a:CountryCodeAndNames><a:tCountryCodeAndName><a:sISOCode>DZ</a:sISOCode><a:sName>Algeria</a:sName></a:tCountryCodeAndName></a:CountryCodeAndNames>
          </a:tCountryCodeAndNameGroupedByContinent>
          <b:tCountryCodeAndNameGroupedByContinent xmlns:b="{NS}">
            <b:Continent><b:sCode>AN</b:sCode><b:sName>Antarctica</b:sName></b:Continent>
            <b:CountryCodeAndNames/>
          </b:tCountryCodeAndNameGroupedByContinent>
        </a:ListOfCountryNamesGroupedByContinentResult></a:ListOfCountryNamesGroupedByContinentResponse></s:Body></s:Envelope>"#
    );
    let got: ListOfCountryNamesGroupedByContinentResponse = body(&xml);
    let groups = &got
        .ListOfCountryNamesGroupedByContinentResult
        .tCountryCodeAndNameGroupedByContinent;
    assert_eq!(groups.len(), 2);
    assert_eq!(
        groups[0].Continent,
        TContinent {
            sCode: "AF".into(),
            sName: "Africa".into()
        }
    );
    assert_eq!(
        groups[0].CountryCodeAndNames.tCountryCodeAndName,
        vec![cc("DZ", "Algeria")]
    );
    assert_eq!(groups[1].Continent.sName, "Antarctica");
    assert!(groups[1].CountryCodeAndNames.tCountryCodeAndName.is_empty());
    assert_eq!(crate::support::round_trip(&got), got);
}

#[test]
fn the_types_match_the_published_contract() {
    let Some(wsdl) = crate::support::shared_wsdl("countryinfo/CountryInfoService.wsdl") else {
        return;
    };
    assert!(wsdl.contains(&format!(r#"targetNamespace="{NS}""#)));
    assert!(wsdl.contains(r#"elementFormDefault="qualified""#));
    for name in [
        "tLanguage",
        "ArrayOftLanguage",
        "tCountryInfo",
        "tCountryCodeAndName",
        "ArrayOftCountryCodeAndName",
        "tContinent",
        "tCountryCodeAndNameGroupedByContinent",
        "ArrayOftCountryCodeAndNameGroupedByContinent",
    ] {
        assert!(
            wsdl.contains(&format!(r#"<xs:complexType name="{name}">"#)),
            "{name}"
        );
    }
    for name in [
        FullCountryInfo::NAME,
        FullCountryInfoResponse::NAME,
        ListOfCountryNamesByName::NAME,
        ListOfCountryNamesByNameResponse::NAME,
        ListOfCountryNamesGroupedByContinent::NAME,
        ListOfCountryNamesGroupedByContinentResponse::NAME,
        "sCountryISOCode",
        "FullCountryInfoResult",
        "ListOfCountryNamesByNameResult",
        "ListOfCountryNamesGroupedByContinentResult",
        "sCapitalCity",
        "sCountryFlag",
        "Languages",
        "Continent",
        "CountryCodeAndNames",
        "sCode",
    ] {
        assert!(wsdl.contains(&format!(r#"name="{name}""#)), "{name}");
    }
}
