use std::fmt;

/// The Workiz API token. It is part of every request path, so it must never be printed:
/// `Debug` and `Display` show a redacted form, and [`ApiToken::redact`] scrubs it from any text.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

/// Why a token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the Workiz API token is empty: set WORKIZ_API_TOKEN to the token from Workiz (Settings → Developer)")]
    Empty,
    #[error(
        "the Workiz API token contains characters that cannot appear in a URL path (only letters, digits, '_' and '-'): check WORKIZ_API_TOKEN"
    )]
    InvalidCharacters,
}

impl ApiToken {
    /// Parses a token. Real tokens look like `api_` + 32 lowercase alphanumerics, but the shape is
    /// not documented, so anything URL-path-safe is accepted.
    pub fn parse(raw: &str) -> Result<Self, TokenError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(TokenError::Empty);
        }
        if !raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(TokenError::InvalidCharacters);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The token itself, for building a request path. Nothing else should call this.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Replaces every occurrence of the token in `text` by `api_***`.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.0, "api_***")
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(api_***)")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("api_***")
    }
}

/// The account secret (`sec_…`) that Workiz writes need. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiSecret(String);

impl ApiSecret {
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiSecret(sec_***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_token() {
        let token = ApiToken::parse("api_abcdefghijklmnopqrstuvwxyz012345").expect("valid token");
        assert!(!format!("{token:?}").contains("abcdefghij"));
        assert!(!format!("{token}").contains("abcdefghij"));
        let url = "https://api.workiz.com/api/v1/api_abcdefghijklmnopqrstuvwxyz012345/job/all/";
        assert_eq!(token.redact(url), "https://api.workiz.com/api/v1/api_***/job/all/");
    }

    #[test]
    fn rejects_empty_and_path_breaking_tokens() {
        assert_eq!(ApiToken::parse("  "), Err(TokenError::Empty));
        assert_eq!(ApiToken::parse("api_x/../y"), Err(TokenError::InvalidCharacters));
        assert!(ApiToken::parse("api_ok_123").is_ok());
    }
}
