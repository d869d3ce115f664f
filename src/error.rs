//! One error enum per domain. Library code never panics on bad input; it returns these.

use std::fmt;

/// Why a DSN could not be used. The messages name the part that is wrong, so a developer who
/// pasted a broken DSN sees what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DsnError {
    /// No `://` separating the scheme.
    NoScheme,
    /// A scheme other than http or https.
    UnsupportedScheme(String),
    /// No `public_key@` before the host.
    NoPublicKey,
    /// Nothing between `@` and the path.
    NoHost,
    /// The port is not a number from 1 to 65535.
    BadPort(String),
    /// The URL ends without a project id.
    NoProjectId,
    /// The project id is not a decimal number.
    BadProjectId(String),
    /// Whitespace or a control character, which a DSN cannot contain.
    InvalidCharacter(char),
}

impl fmt::Display for DsnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid DSN: ")?;
        match self {
            DsnError::NoScheme => {
                f.write_str("missing scheme (expected https://<key>@<host>/<project id>)")
            }
            DsnError::UnsupportedScheme(s) => {
                write!(f, "unsupported scheme \"{s}\" (use http or https)")
            }
            DsnError::NoPublicKey => f.write_str("missing public key before '@'"),
            DsnError::NoHost => f.write_str("missing host"),
            DsnError::BadPort(p) => write!(f, "port \"{p}\" is not a number from 1 to 65535"),
            DsnError::NoProjectId => f.write_str("missing project id at the end of the path"),
            DsnError::BadProjectId(p) => write!(f, "project id \"{p}\" is not a number"),
            DsnError::InvalidCharacter(c) => {
                let code = crate::json::u64_digits(u64::from(u32::from(*c)));
                write!(
                    f,
                    "contains whitespace or a control character (code {code})"
                )
            }
        }
    }
}

impl std::error::Error for DsnError {}
