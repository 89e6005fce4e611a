//! [`Endpoint`]: a path on the host with its SOAP version, addressing and contract.

use wws_core::{AddressingVersion, EnvelopeVersion, Error, QName, Result};

use crate::contract::{Contract, Dispatch};
use crate::wsdl::Documents;

/// A path on the host that serves one contract in one SOAP envelope version
/// and one addressing version.
///
/// The addressing version is what the endpoint's clients are expected to
/// send; the host is lenient and answers each request in the addressing
/// version it came in (a reply to a WS-Addressing request carries
/// `RelatesTo`; one to a plain request carries no addressing headers).
///
/// The endpoint speaks only its own envelope version: a request in the other
/// version gets a VersionMismatch fault (use two endpoints, as the calculator
/// example does, to serve both).
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub(crate) path: String,
    pub(crate) envelope: EnvelopeVersion,
    pub(crate) addressing: AddressingVersion,
    pub(crate) contract: Contract,
    pub(crate) wsdl: Option<String>,
    pub(crate) documents: Vec<(String, String)>,
    pub(crate) understood: Vec<QName>,
}

impl Endpoint {
    /// An endpoint at `path` (e.g. `/calculator`).
    pub fn new(
        path: impl Into<String>,
        envelope: EnvelopeVersion,
        addressing: AddressingVersion,
        contract: Contract,
    ) -> Self {
        Endpoint {
            path: path.into(),
            envelope,
            addressing,
            contract,
            wsdl: None,
            documents: Vec::new(),
            understood: Vec::new(),
        }
    }

    /// Serves `wsdl` at `<path>?wsdl`, with the `location` of every
    /// `soap:address` and `soap12:address` replaced by the URL of this host's
    /// endpoint of that SOAP version (this endpoint when it matches).
    pub fn with_wsdl(mut self, wsdl: impl Into<String>) -> Self {
        self.wsdl = Some(wsdl.into());
        self
    }

    /// Serves a contract of several files: `wsdl` at `<path>?wsdl` as
    /// [`with_wsdl`](Self::with_wsdl) does, and each of `documents` — the
    /// schemas and WSDLs it imports or includes, as `(name, text)` with the
    /// name relative to the WSDL's folder as they refer to each other
    /// (`types.xsd`, `../schema/onvif.xsd`) — at `<path>?xsd=xsd0`,
    /// `?xsd=xsd1`, … (`?wsdl=wsdlN` for a `.wsdl`), as WCF serves them.
    /// Every `schemaLocation` and `wsdl:import location` naming one of them
    /// is rewritten to its URL on this host, so zeep, wsimport or svcutil
    /// load the whole contract from the host; other references are kept.
    pub fn with_wsdl_documents<N: Into<String>, T: Into<String>>(
        mut self,
        wsdl: impl Into<String>,
        documents: impl IntoIterator<Item = (N, T)>,
    ) -> Self {
        self.wsdl = Some(wsdl.into());
        self.documents = documents
            .into_iter()
            .map(|(n, t)| (n.into(), t.into()))
            .collect();
        self
    }

    /// Declares that handlers understand header blocks named `name`, so a
    /// `mustUnderstand` one does not fault; handlers read it from
    /// [`OperationContext::headers`](crate::OperationContext::headers).
    pub fn understands(mut self, name: QName) -> Self {
        self.understood.push(name);
        self
    }

    /// The path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The SOAP envelope version.
    pub fn envelope(&self) -> EnvelopeVersion {
        self.envelope
    }

    /// The addressing version.
    pub fn addressing(&self) -> AddressingVersion {
        self.addressing
    }

    /// Checks the endpoint and indexes it for serving.
    pub(crate) fn build(self) -> Result<BuiltEndpoint> {
        if !self.path.starts_with('/') || self.path.contains(['?', '#', ' ']) {
            return Err(Error::InvalidEndpointUrl {
                url: self.path,
                reason: "an endpoint path starts with '/' and has no query, fragment or space"
                    .to_owned(),
            });
        }
        let dispatch = self.contract.index()?;
        let wsdl = self
            .wsdl
            .as_deref()
            .map(|w| Documents::parse(w, &self.documents))
            .transpose()?;
        Ok(BuiltEndpoint {
            path: self.path,
            envelope: self.envelope,
            dispatch,
            wsdl,
            understood: self.understood,
        })
    }
}

/// An endpoint checked and indexed, as the host serves it.
pub(crate) struct BuiltEndpoint {
    pub(crate) path: String,
    pub(crate) envelope: EnvelopeVersion,
    pub(crate) dispatch: Dispatch,
    pub(crate) wsdl: Option<Documents>,
    pub(crate) understood: Vec<QName>,
}
