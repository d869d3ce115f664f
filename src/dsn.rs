//! DSN parsing: where to send events and how to authenticate.
//!
//! Grammar: `{scheme}://{public_key}[:{secret}]@{host}[:{port}]{/path}/{project_id}`.

use crate::error::DsnError;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::{
    digits_value, find_any, find_byte, head, rfind_byte, rsplit_byte_once, tail, trim_end_byte,
};

/// A parsed DSN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dsn {
    scheme: String,
    public_key: String,
    host: String,
    port: Option<u16>,
    path: String,
    project_id: String,
    raw: String,
}

impl Dsn {
    /// Parses a DSN, naming the part that is wrong when it is malformed.
    pub fn parse(input: &str) -> Result<Dsn, DsnError> {
        let raw = crate::text::trim(input);
        if let Some(c) = raw.chars().find(|&c| c <= ' ' || c == '\u{7f}') {
            return Err(DsnError::InvalidCharacter(c));
        }
        let (scheme, rest) = crate::text::split_once(raw, "://").ok_or(DsnError::NoScheme)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(DsnError::UnsupportedScheme(scheme));
        }
        // Drop any query or fragment: they are not part of the DSN's meaning.
        let rest = head(rest, find_any(rest, b"?#").unwrap_or(rest.len()));
        let (auth, location) = rsplit_byte_once(rest, b'@').ok_or(DsnError::NoPublicKey)?;
        let public_key = head(auth, find_byte(auth, b':').unwrap_or(auth.len()));
        if public_key.is_empty() || find_byte(auth, b'/').is_some() {
            return Err(DsnError::NoPublicKey);
        }
        let (hostport, path) = match find_byte(location, b'/') {
            Some(i) => (head(location, i), tail(location, i)),
            None => (location, ""),
        };
        let (host, port) = split_port(hostport)?;
        if host.is_empty() {
            return Err(DsnError::NoHost);
        }
        let path = trim_end_byte(path, b'/');
        let (prefix, project_id) = rsplit_byte_once(path, b'/').unwrap_or(("", ""));
        if project_id.is_empty() {
            return Err(DsnError::NoProjectId);
        }
        if !crate::text::all_digits(project_id) {
            return Err(DsnError::BadProjectId(project_id.to_owned()));
        }
        Ok(Dsn {
            scheme,
            public_key: public_key.to_owned(),
            host: host.to_owned(),
            port,
            path: prefix.to_owned(),
            project_id: project_id.to_owned(),
            raw: raw.to_owned(),
        })
    }

    /// The public key, sent as `sentry_key`.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The numeric project id.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The host, without port.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The DSN as given (trimmed), for the envelope header when tunnelling.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// `{scheme}://{host}[:{port}]{path}/api/{project_id}/envelope/`.
    pub fn envelope_endpoint(&self) -> String {
        let mut url = String::with_capacity(64);
        url.push_str(&self.scheme);
        url.push_str("://");
        url.push_str(&self.host);
        if let Some(port) = self.port {
            url.push(':');
            url.push_str(&crate::json::u64_digits(port.into()));
        }
        url.push_str(&self.path);
        url.push_str("/api/");
        url.push_str(&self.project_id);
        url.push_str("/envelope/");
        url
    }

    /// The endpoint with authentication in the query string, as browsers must send it
    /// (custom headers would trigger a CORS preflight).
    pub fn envelope_url(&self, client: &str) -> String {
        let mut url = self.envelope_endpoint();
        url.push_str("?sentry_version=7&sentry_key=");
        push_query_component(&mut url, &self.public_key);
        url.push_str("&sentry_client=");
        push_query_component(&mut url, client);
        url
    }
}

fn split_port(hostport: &str) -> Result<(&str, Option<u16>), DsnError> {
    // IPv6 literal: [::1]:9000
    let colon = if hostport.starts_with('[') {
        match find_byte(hostport, b']') {
            Some(end) => find_byte(tail(hostport, end), b':').map(|i| end + i),
            None => return Err(DsnError::NoHost),
        }
    } else {
        rfind_byte(hostport, b':')
    };
    match colon {
        None => Ok((hostport, None)),
        Some(i) => {
            let port = tail(hostport, i + 1);
            match digits_value(port).and_then(|p| u16::try_from(p).ok()) {
                Some(p) if p > 0 => Ok((head(hostport, i), Some(p))),
                _ => Err(DsnError::BadPort(port.to_owned())),
            }
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn push_query_component(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_dsn() {
        let d = Dsn::parse("https://abc123@o1.ingest.example.com/42").unwrap();
        assert_eq!(d.public_key(), "abc123");
        assert_eq!(d.project_id(), "42");
        assert_eq!(
            d.envelope_endpoint(),
            "https://o1.ingest.example.com/api/42/envelope/"
        );
        assert_eq!(
            d.envelope_url("tattle/0.1.0"),
            "https://o1.ingest.example.com/api/42/envelope/?sentry_version=7&sentry_key=abc123&sentry_client=tattle/0.1.0"
        );
    }

    #[test]
    fn keeps_port_path_and_ignores_secret() {
        let d = Dsn::parse("http://pub:sec@127.0.0.1:8000/sub/path/7/").unwrap();
        assert_eq!(d.public_key(), "pub");
        assert_eq!(
            d.envelope_endpoint(),
            "http://127.0.0.1:8000/sub/path/api/7/envelope/"
        );
    }

    #[test]
    fn ipv6_host() {
        let d = Dsn::parse("http://k@[::1]:9000/3").unwrap();
        assert_eq!(d.envelope_endpoint(), "http://[::1]:9000/api/3/envelope/");
    }

    #[test]
    fn each_malformation_has_its_own_error() {
        let cases: &[(&str, DsnError)] = &[
            ("abc@host/1", DsnError::NoScheme),
            ("ftp://k@host/1", DsnError::UnsupportedScheme("ftp".into())),
            ("https://host/1", DsnError::NoPublicKey),
            ("https://@host/1", DsnError::NoPublicKey),
            ("https://k@/1", DsnError::NoHost),
            ("https://k@:80/1", DsnError::NoHost),
            ("https://k@host:abc/1", DsnError::BadPort("abc".into())),
            ("https://k@host:0/1", DsnError::BadPort("0".into())),
            ("https://k@host:70000/1", DsnError::BadPort("70000".into())),
            ("https://k@host", DsnError::NoProjectId),
            ("https://k@host/", DsnError::NoProjectId),
            ("https://k@host/abc", DsnError::BadProjectId("abc".into())),
            ("https://k@ho st/1", DsnError::InvalidCharacter(' ')),
        ];
        for (input, want) in cases {
            assert_eq!(Dsn::parse(input).as_ref(), Err(want), "{input}");
        }
    }

    #[test]
    fn errors_read_well() {
        let msg = Dsn::parse("https://k@host/abc").unwrap_err().to_string();
        assert_eq!(msg, "invalid DSN: project id \"abc\" is not a number");
    }
}
