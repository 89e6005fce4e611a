//! The bridge to wws-core's message codec.

use bytes::{Bytes, BytesMut};
use wws_core::{Fault, Message, ReaderQuotas, Result};

/// The message as envelope bytes; an addressing field XML cannot carry is an error.
pub(crate) fn encode(msg: &Message) -> Result<Bytes> {
    let mut buf = BytesMut::with_capacity(512 + msg.body.len());
    msg.write(&mut buf)?;
    Ok(buf.freeze())
}

/// The message in `bytes`, read under `quotas`.
pub(crate) fn decode(bytes: &[u8], quotas: &ReaderQuotas) -> Result<Message> {
    Message::read(bytes, quotas)
}

/// The fault a message carries, if it is one.
pub(crate) fn fault_of(msg: &Message) -> Result<Option<Fault>> {
    msg.fault()
}
