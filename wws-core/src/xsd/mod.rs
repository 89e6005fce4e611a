//! XSD datatypes (XML Schema Part 2): exact decimals and integers, dates
//! and times, durations, binary data, tokens, URIs, QNames and lists, each
//! with its lexical form through the [`SimpleType`] trait.
//!
//! ```
//! use wws_core::xsd::{Decimal, SimpleType};
//! let d = Decimal::parse(" 0012.50 ")?;
//! assert_eq!(d.canonical(), "12.5");
//! # Ok::<(), String>(())
//! ```

mod binary;
mod datetime;
mod decimal;
mod duration;
mod simple;
mod text;

pub use binary::{Base64Binary, HexBinary};
pub use datetime::{Date, DateTime, Offset, Time, days_in_month, is_leap_year};
pub use decimal::{Decimal, Integer};
pub use duration::Duration;
pub use simple::{NamespaceScope, NoScope, PrefixScope, SimpleType, collapse, trim};
pub use text::{AnyUri, List, Token};
