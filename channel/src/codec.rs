//! The bridge to wws-core's message codec.

use bytes::{Bytes, BytesMut};
use wws_core::{AddressingVersion, EnvelopeVersion, Fault, Message, ReaderQuotas, Result};

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

/// Inputs at least this large are read in place (the body a slice of the
/// input, no copy); below it copying is cheaper than sharing the buffer.
const READ_IN_PLACE_FROM: usize = 16 * 1024;

/// The message in `bytes`, read under `quotas`, sharing `bytes` when large.
pub(crate) fn decode_owned(bytes: Bytes, quotas: &ReaderQuotas) -> Result<Message> {
    if bytes.len() >= READ_IN_PLACE_FROM {
        Message::read_bytes(bytes, quotas)
    } else {
        Message::read(&bytes, quotas)
    }
}

/// The fault a message carries, if it is one.
pub(crate) fn fault_of(msg: &Message) -> Result<Option<Fault>> {
    msg.fault()
}

/// Whether the message's body is a fault.
pub(crate) fn is_fault(msg: &Message) -> bool {
    msg.is_fault()
}

/// A fault message with the action in the transport.
pub(crate) fn from_fault(envelope: EnvelopeVersion, fault: &Fault) -> Result<Message> {
    Message::from_fault(envelope, AddressingVersion::Transport, fault)
}
