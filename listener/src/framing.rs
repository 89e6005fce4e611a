//! Follows the HTTP/1.1 request framing on the bytes a connection reads
//! (RFC 9112 §6–7), to refuse a chunk that cannot fit the message size
//! quota as soon as its size line arrives, instead of waiting for bytes
//! that will never fit (hyper does not expose chunk sizes).
//!
//! It only watches: hyper still parses the requests. On anything it does
//! not follow (a head line longer than hyper accepts, an unknown framing)
//! it stops watching that connection for good rather than guess.

/// What one feed found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Nothing to refuse.
    Fine,
    /// A chunk announced more bytes than the quota allows.
    Oversize,
}

#[derive(Debug)]
enum State {
    /// In a request head; `line` holds the current header line (capped).
    Head {
        line: Vec<u8>,
        first: bool,
        content_length: Option<u64>,
        chunked: bool,
    },
    /// In a body of known length: this many bytes left.
    Fixed(u64),
    /// In a chunk-size line: the size so far, whether an extension started.
    ChunkSize { size: u64, digits: bool, ext: bool },
    /// In chunk data: this many bytes left, then CRLF.
    ChunkData(u64),
    /// After chunk data: expecting CR LF (`seen` of them so far).
    ChunkEnd { seen: u8 },
    /// In the trailer section: the length of the current line.
    Trailer { len: usize },
    /// Stopped following this connection.
    Blind,
}

/// The framing follower of one connection.
#[derive(Debug)]
pub(crate) struct Framing {
    state: State,
    quota: u64,
}

/// Longest head line followed (hyper refuses a longer head anyway).
const MAX_LINE: usize = 64 * 1024;

fn head() -> State {
    State::Head {
        line: Vec::new(),
        first: true,
        content_length: None,
        chunked: false,
    }
}

impl Framing {
    /// Follows a connection whose messages may be at most `quota` bytes.
    pub(crate) fn new(quota: usize) -> Self {
        Framing {
            state: head(),
            quota: quota as u64,
        }
    }

    /// Whether it still follows the connection.
    /// Follows nothing: for a connection that does not speak HTTP/1.1 (HTTP/2).
    pub(crate) fn blind(quota: usize) -> Self {
        Framing {
            state: State::Blind,
            quota: quota as u64,
        }
    }

    pub(crate) fn is_watching(&self) -> bool {
        !matches!(self.state, State::Blind)
    }

    /// Follows `bytes`, the next ones the connection read.
    pub(crate) fn feed(&mut self, mut bytes: &[u8]) -> Verdict {
        while !bytes.is_empty() {
            match &mut self.state {
                State::Blind => return Verdict::Fine,
                State::Fixed(left) => {
                    let take = (*left).min(bytes.len() as u64);
                    *left -= take;
                    bytes = &bytes[take as usize..];
                    if *left == 0 {
                        self.state = head();
                    }
                }
                State::ChunkData(left) => {
                    let take = (*left).min(bytes.len() as u64);
                    *left -= take;
                    bytes = &bytes[take as usize..];
                    if *left == 0 {
                        self.state = State::ChunkEnd { seen: 0 };
                    }
                }
                State::ChunkEnd { seen } => {
                    let b = bytes[0];
                    bytes = &bytes[1..];
                    match (b, *seen) {
                        (b'\r', 0) => *seen = 1,
                        (b'\n', _) => {
                            self.state = State::ChunkSize {
                                size: 0,
                                digits: false,
                                ext: false,
                            }
                        }
                        _ => self.state = State::Blind,
                    }
                }
                State::ChunkSize { size, digits, ext } => {
                    let b = bytes[0];
                    bytes = &bytes[1..];
                    if b == b'\n' {
                        if !*digits {
                            self.state = State::Blind;
                        } else if *size == 0 {
                            self.state = State::Trailer { len: 0 };
                        } else {
                            self.state = State::ChunkData(*size);
                        }
                        continue;
                    }
                    if *ext || b == b'\r' {
                        continue;
                    }
                    match (b as char).to_digit(16) {
                        Some(d) if !*ext => {
                            *digits = true;
                            *size = size.saturating_mul(16).saturating_add(u64::from(d));
                            if *size > self.quota {
                                self.state = State::Blind;
                                return Verdict::Oversize;
                            }
                        }
                        _ if b == b';' || b == b' ' || b == b'\t' => *ext = true,
                        _ => self.state = State::Blind,
                    }
                }
                State::Trailer { len } => {
                    let b = bytes[0];
                    bytes = &bytes[1..];
                    match b {
                        b'\n' if *len == 0 => self.state = head(),
                        b'\n' => *len = 0,
                        b'\r' => {}
                        _ => {
                            *len += 1;
                            if *len > MAX_LINE {
                                self.state = State::Blind;
                            }
                        }
                    }
                }
                State::Head { line, .. } => {
                    // Whole lines at a time: only a line cut by the end of a read is copied.
                    match memchr::memchr(b'\n', bytes) {
                        Some(end) => {
                            let (part, rest) = (&bytes[..end], &bytes[end + 1..]);
                            bytes = rest;
                            if line.is_empty() {
                                self.head_line(part);
                            } else {
                                let mut whole = std::mem::take(line);
                                whole.extend_from_slice(part);
                                self.head_line(&whole);
                            }
                        }
                        None => {
                            if line.len() + bytes.len() > MAX_LINE {
                                self.state = State::Blind;
                            } else {
                                line.extend_from_slice(bytes);
                            }
                            bytes = &[];
                        }
                    }
                }
            }
        }
        Verdict::Fine
    }

    /// One whole head line (without its LF).
    fn head_line(&mut self, line: &[u8]) {
        let State::Head {
            first,
            content_length,
            chunked,
            ..
        } = &mut self.state
        else {
            return;
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > MAX_LINE {
            self.state = State::Blind;
            return;
        }
        if line.is_empty() {
            if *first {
                // Empty lines before a request line are ignored (RFC 9112 §2.2).
                return;
            }
            self.state = if *chunked {
                State::ChunkSize {
                    size: 0,
                    digits: false,
                    ext: false,
                }
            } else {
                match *content_length {
                    Some(0) | None => head(),
                    Some(n) => State::Fixed(n),
                }
            };
            return;
        }
        if !*first {
            match header_framing(line) {
                Header::Other => {}
                Header::Length(n) => *content_length = Some(n),
                Header::Chunked => *chunked = true,
                Header::Unknown => {
                    // Not a framing followed here (hyper refuses it too): stop watching.
                    self.state = State::Blind;
                    return;
                }
            }
        }
        *first = false;
    }
}

/// What a head line says of the body's framing.
enum Header {
    Other,
    Length(u64),
    Chunked,
    Unknown,
}

fn header_framing(line: &[u8]) -> Header {
    let Some(colon) = line.iter().position(|&c| c == b':') else {
        return Header::Other;
    };
    let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
    if name.eq_ignore_ascii_case(b"content-length") {
        return match std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) {
            Some(n) => Header::Length(n),
            None => Header::Unknown,
        };
    }
    if name.eq_ignore_ascii_case(b"transfer-encoding") {
        let last = value
            .rsplit(|&c| c == b',')
            .next()
            .map(<[u8]>::trim_ascii)
            .unwrap_or_default();
        return if last.eq_ignore_ascii_case(b"chunked") {
            Header::Chunked
        } else {
            Header::Unknown
        };
    }
    Header::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_all(f: &mut Framing, parts: &[&[u8]]) -> Vec<Verdict> {
        parts.iter().map(|p| f.feed(p)).collect()
    }

    #[test]
    fn an_oversized_chunk_is_seen_on_its_size_line() {
        let mut f = Framing::new(4 << 20);
        let v = feed_all(
            &mut f,
            &[
                b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                b"8000000000",
            ],
        );
        assert_eq!(v, [Verdict::Fine, Verdict::Oversize]);
    }

    #[test]
    fn chunks_within_the_quota_and_pipelined_requests_are_followed() {
        let mut f = Framing::new(100);
        let req = b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nx-trailer: y\r\n\r\n";
        for _ in 0..3 {
            // One byte at a time, as a trickling client sends.
            for b in req.iter() {
                assert_eq!(f.feed(&[*b]), Verdict::Fine);
            }
        }
        assert!(f.is_watching());
        let fixed = b"POST / HTTP/1.1\r\ncontent-length: 4\r\n\r\nabcdPOST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n65\r\n";
        assert_eq!(f.feed(fixed), Verdict::Oversize, "0x65 = 101 > 100");
    }

    #[test]
    fn what_it_does_not_follow_it_stops_watching() {
        let mut f = Framing::new(100);
        f.feed(b"POST / HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\nFFFFFFFF\r\n");
        assert!(!f.is_watching());
        let mut f = Framing::new(100);
        f.feed(b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n");
        assert!(!f.is_watching());
    }
}
