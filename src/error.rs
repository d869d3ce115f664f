//! One error enum per domain. Library code never panics on bad input; it returns these.

#[allow(unused_imports)]
use crate::prelude::*;
use core::fmt;

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

impl DsnError {
    /// The message, built without `core::fmt` (which the npm build leaves out).
    pub fn message(&self) -> String {
        use crate::text::cat;
        let text = match self {
            DsnError::NoScheme => {
                "missing scheme (expected https://<key>@<host>/<project id>)".to_owned()
            }
            DsnError::UnsupportedScheme(s) => {
                cat(&["unsupported scheme \"", s, "\" (use http or https)"])
            }
            DsnError::NoPublicKey => "missing public key before '@'".to_owned(),
            DsnError::NoHost => "missing host".to_owned(),
            DsnError::BadPort(p) => cat(&["port \"", p, "\" is not a number from 1 to 65535"]),
            DsnError::NoProjectId => "missing project id at the end of the path".to_owned(),
            DsnError::BadProjectId(p) => cat(&["project id \"", p, "\" is not a number"]),
            DsnError::InvalidCharacter(c) => {
                let code = crate::json::u64_digits(u64::from(u32::from(*c)));
                cat(&[
                    "contains whitespace or a control character (code ",
                    &code,
                    ")",
                ])
            }
        };
        cat(&["invalid DSN: ", &text])
    }
}

impl fmt::Display for DsnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for DsnError {}
